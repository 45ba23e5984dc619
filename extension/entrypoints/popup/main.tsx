import { render } from 'preact';
import { PopupPage } from '../../ui/popup-page.tsx';

render(<PopupPage />, document.getElementById('app')!);

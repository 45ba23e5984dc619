import { render } from 'preact';
import '../../ui/popup/popup.css';
import { PopupPage } from '../../ui/popup-page.tsx';

render(<PopupPage />, document.getElementById('app')!);

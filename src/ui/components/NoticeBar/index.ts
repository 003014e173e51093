export { NoticeBar, type Notice, type NoticeBarProps } from './NoticeBar.js';

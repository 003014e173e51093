/** Webpack entry of the Excel add-in's task pane (`taskpane.html`, manifest/manifest.xml's SourceLocation) (#11). */
import { TaskpaneView } from '../ui/views/TaskpaneView.js';
import { boot } from './browser/boot.js';

void boot('content', () => <TaskpaneView />, 'taskpane');

export { ConflictList, IssueList } from './SyncLists.js';

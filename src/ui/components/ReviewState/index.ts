export { ReviewBadge, ReviewComment, stateLabel, STATE_LABEL_KEYS, type ReturnComment } from './ReviewState.js';

export { SignedInUser, type SignedInUserProps } from './SignedInUser.js';

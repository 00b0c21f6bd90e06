export { issueTurnCredential, type TurnCredential, turnPassword } from './turn.credentials';

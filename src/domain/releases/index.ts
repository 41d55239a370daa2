/** The release chain: the right to collect a box, its transfers, blocks and revocations, and the green lights. */
export {
  type ChainLinkView,
  type ChainViewer,
  type ChainVisibility,
  partiesThatHoldOrHeld,
  type ReleaseChainView,
  releaseChainView,
  releaseChainVisibility,
} from './chain-visibility.js';
export {
  type CustomsSelection,
  type DcsaReleaseEventCode,
  type GreenLight,
  type GreenLightFacts,
  type GreenLightName,
  type GreenLights,
  greenLightNames,
  greenLights,
} from './green-lights.js';
export type {
  AcceptTransfer,
  BlockRelease,
  DenyTransfer,
  IssueRelease,
  OfferTransfer,
  ReleaseActor,
  ReleaseCommand,
  RevokeRelease,
  UnblockRelease,
  UpdateValidity,
  WithdrawOffer,
} from './release.commands.js';
export type {
  RecordedParty,
  ReleaseBlocked,
  ReleaseEvent,
  ReleaseIssued,
  ReleaseOfferWithdrawn,
  ReleaseRevoked,
  ReleaseTransferAccepted,
  ReleaseTransferDenied,
  ReleaseTransferOffered,
  ReleaseUnblocked,
  ReleaseValidityUpdated,
} from './release.events.js';
export {
  cutOffParties,
  decideRelease,
  evolveRelease,
  initialReleaseState,
  type Release,
  type ReleaseBlock,
  type ReleaseHolding,
  type ReleaseOffer,
  type ReleaseRevocation,
  type ReleaseState,
  releaseDecider,
} from './release.js';

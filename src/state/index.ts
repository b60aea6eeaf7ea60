/** A previous run's artifacts (`--state`, retry): reading them and comparing this project with them. */
export { readRunResults, readStateFolder, type StateFolder, type StateManifest, type StateResult, type StateRunResults } from './read-state.js';
export { stateComparer } from './compare-state.js';
export { currentManifest, selectionState } from './selection-state.js';
export { deferredRelations, preparedWithDeferral, type DeferOptions } from './defer.js';

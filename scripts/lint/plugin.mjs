// The repository's own ESLint rules, as the one plugin `hearth` that
// eslint.config.js registers: import layers (layers.mjs) and constant-time
// comparison of secrets (secretCompare.mjs), no import cycles (noCycle.mjs).
import { layersRule } from './layers.mjs';
import { noCycleRule } from './noCycle.mjs';
import { secretCompareRule } from './secretCompare.mjs';

export default {
  rules: { layers: layersRule, 'secret-compare': secretCompareRule, 'no-cycle': noCycleRule },
};

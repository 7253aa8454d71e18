// relabel: relabel_config actions (replace, keep, drop, keepequal, dropequal, hashmod,
// labelmap, labeldrop, labelkeep, lowercase, uppercase). Other areas import only this file.
export { relabel, compileRelabel, hashmod, DEFAULT_RELABEL, type CompiledRelabel } from './relabel.js';

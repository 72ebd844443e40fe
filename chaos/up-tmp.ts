import { MULTI_REGION_PROFILE, openLab } from '@surge-lab/lab';

const lab = openLab();
await lab.runtime.upWait((l) => console.log(l), process.argv[2] === 'one' ? [] : [MULTI_REGION_PROFILE]);
console.log('UP');

// Vite builds the lab console's UI into services/console/ui/dist (served by the edge at /lab/).
// `npm run console:dev` serves it with /lab/api proxied to the lab's edge, which forwards it to
// the console backend.
import { pageConfig } from '@surge-lab/web-kit/vite';

export default pageConfig({ root: import.meta.dirname, base: '/lab/', api: '/lab/api' });

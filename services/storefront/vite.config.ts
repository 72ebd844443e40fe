// Vite builds the storefront into services/storefront/dist (served by the edge at /).
// `npm run storefront:dev` serves it with /api proxied to the lab's edge.
import { pageConfig } from '@surge-lab/web-kit/vite';

export default pageConfig({ root: import.meta.dirname, base: '/', api: '/api' });

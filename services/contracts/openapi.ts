// The shop API as OpenAPI 3.1, served at /api/openapi.json through the edge. The live tests
// validate real answers against these schemas, so the document cannot drift from the code.

import { ERROR_CODES } from './errors.ts';
import { ORDER_STATUSES, ORDER_TRANSITIONS, ORDERS_TOPIC } from './orders.ts';
import { CATEGORIES } from './products.ts';

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const json = (schema: object, description: string, headers?: object) => ({ description, ...(headers ? { headers } : {}), content: { 'application/json': { schema } } });
const err = (description: string) => json(ref('Error'), description);
const retryAfter = { 'Retry-After': { description: 'Seconds to wait before retrying', schema: { type: 'integer' } } };
const badInput = { 400: err('Malformed JSON or invalid fields (details name them)'), 413: err('Body too large'), 415: err('Body is not application/json') };
const unavailable = { 429: err('Shedding load'), 503: json(ref('Error'), 'A dependency is down', retryAfter) };
const productId = { name: 'id', in: 'path', required: true, schema: { type: 'string', pattern: '^p-\\d{5}$' } };
const cartId = { name: 'cartId', in: 'path', required: true, schema: { type: 'string', format: 'uuid' } };
const staleHeader = { 'X-Data-Stale': { description: 'Present (true) when the data comes from a cache because its source is down', schema: { type: 'string', enum: ['true'] } } };

export const openApiDocument = {
  openapi: '3.1.0',
  info: {
    title: 'Surge Lab shop API',
    version: '1.0.0',
    description: `Catalog, cart, checkout and orders, behind the edge. Order statuses move only along: ${Object.entries(ORDER_TRANSITIONS)
      .map(([f, t]) => `${f} → ${t.join(' | ') || '(final)'}`)
      .join('; ')}. One order.placed event per order is published to Kafka topic "${ORDERS_TOPIC}" (key: order id) once its payment is captured.`,
  },
  servers: [{ url: 'http://localhost:8080' }],
  paths: {
    '/api/products': {
      get: {
        summary: 'List products (cursor pagination, category and text filter)',
        parameters: [
          // An empty value (a form's empty field) is the same as none.
          { name: 'category', in: 'query', schema: { type: 'string', enum: [...CATEGORIES, ''] } },
          { name: 'q', in: 'query', schema: { type: 'string', maxLength: 64 } },
          { name: 'cursor', in: 'query', description: 'nextCursor of the previous page (its last product id)', schema: { type: 'string', pattern: '^(p-\\d{5})?$' } },
          { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 100, default: 24 } },
        ],
        responses: { 200: json(ref('ProductPage'), 'A page of products', staleHeader), 400: err('Invalid query') },
      },
    },
    '/api/products/{id}': {
      get: {
        summary: 'One product',
        parameters: [productId],
        responses: { 200: json(ref('Product'), 'The product', staleHeader), 304: { description: 'Not modified (If-None-Match)' }, 400: err('Malformed id'), 404: err('No such product') },
      },
      patch: {
        summary: 'Change price or stock (admin)',
        parameters: [productId],
        security: [{ admin: [] }],
        requestBody: { required: true, content: { 'application/json': { schema: ref('ProductPatch') } } },
        responses: { 200: json(ref('Product'), 'The product after the change'), ...badInput, 401: err('Admin token missing or wrong'), 404: err('No such product') },
      },
    },
    '/api/products/{id}/image.svg': {
      get: {
        summary: 'Generated product picture',
        parameters: [productId],
        responses: { 200: { description: 'SVG', content: { 'image/svg+xml': {} } }, 400: err('Malformed id'), 404: err('No such product') },
      },
    },
    '/api/categories': { get: { summary: 'Categories with product counts', responses: { 200: json(ref('Categories'), 'Categories') } } },
    '/api/carts': { post: { summary: 'Create a cart', responses: { 201: json(ref('Cart'), 'The new cart'), ...unavailable } } },
    '/api/carts/{cartId}': {
      get: {
        summary: 'A cart, priced from the catalog',
        parameters: [cartId],
        responses: { 200: json(ref('Cart'), 'The cart', staleHeader), 400: err('Malformed id'), 404: err('No such cart'), ...unavailable },
      },
    },
    '/api/carts/{cartId}/items/{productId}': {
      put: {
        summary: 'Set the quantity of a product in the cart',
        parameters: [cartId, { ...productId, name: 'productId' }],
        requestBody: {
          required: true,
          content: { 'application/json': { schema: { type: 'object', additionalProperties: false, required: ['quantity'], properties: { quantity: { type: 'integer', minimum: 1, maximum: 99 } } } } },
        },
        responses: { 200: json(ref('Cart'), 'The cart'), ...badInput, 404: err('No such cart or product'), ...unavailable },
      },
      delete: {
        summary: 'Remove a product from the cart',
        parameters: [cartId, { ...productId, name: 'productId' }],
        responses: { 200: json(ref('Cart'), 'The cart'), 400: err('Malformed id'), 404: err('No such cart'), ...unavailable },
      },
    },
    '/api/checkout': {
      post: {
        summary: 'Place an order for a cart',
        parameters: [
          {
            name: 'Idempotency-Key',
            in: 'header',
            required: true,
            schema: { type: 'string', pattern: '^[A-Za-z0-9_-]{8,128}$' },
            description: 'One per attempt: a retry with the same key returns the same order',
          },
        ],
        requestBody: { required: true, content: { 'application/json': { schema: ref('CheckoutRequest') } } },
        responses: {
          200: json(ref('Order'), 'A replay of an earlier request with this key', { 'Idempotent-Replayed': { schema: { type: 'string', enum: ['true'] } } }),
          201: json(ref('Order'), 'Order placed and paid'),
          202: json(ref('Order'), 'Order accepted; payment is pending and will be captured later'),
          ...badInput,
          404: err('No such cart'),
          409: err('Cart empty or a product out of stock (details name it)'),
          422: err('Idempotency-Key reused with a different body'),
          ...unavailable,
        },
      },
    },
    '/api/orders/{id}': {
      get: {
        summary: 'An order with its status and lines',
        parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string', format: 'uuid' } }],
        responses: { 200: json(ref('Order'), 'The order'), 400: err('Malformed id'), 404: err('No such order') },
      },
    },
  },
  components: {
    securitySchemes: { admin: { type: 'http', scheme: 'bearer' } },
    schemas: {
      Error: {
        type: 'object',
        required: ['error'],
        additionalProperties: false,
        properties: {
          error: {
            type: 'object',
            required: ['code', 'message'],
            additionalProperties: false,
            properties: { code: { type: 'string', enum: Object.keys(ERROR_CODES) }, message: { type: 'string' }, details: {}, requestId: { type: 'string' } },
          },
        },
      },
      Product: {
        type: 'object',
        additionalProperties: false,
        required: ['id', 'name', 'category', 'description', 'priceCents', 'stock', 'imageUrl', 'version'],
        properties: {
          id: { type: 'string', pattern: '^p-\\d{5}$' },
          name: { type: 'string' },
          category: { type: 'string' },
          description: { type: 'string' },
          priceCents: { type: 'integer', minimum: 1 },
          stock: { type: 'integer', minimum: 0 },
          imageUrl: { type: 'string' },
          version: { type: 'integer', minimum: 1 },
        },
      },
      ProductPage: {
        type: 'object',
        additionalProperties: false,
        required: ['items', 'nextCursor'],
        properties: { items: { type: 'array', items: ref('Product') }, nextCursor: { type: ['string', 'null'] } },
      },
      ProductPatch: { type: 'object', additionalProperties: false, minProperties: 1, properties: { priceCents: { type: 'integer', minimum: 1 }, stock: { type: 'integer', minimum: 0 } } },
      Categories: {
        type: 'object',
        additionalProperties: false,
        required: ['categories'],
        properties: {
          categories: { type: 'array', items: { type: 'object', additionalProperties: false, required: ['name', 'count'], properties: { name: { type: 'string' }, count: { type: 'integer' } } } },
        },
      },
      CartItem: {
        type: 'object',
        additionalProperties: false,
        required: ['productId', 'name', 'priceCents', 'quantity', 'lineTotalCents', 'imageUrl'],
        properties: {
          productId: { type: 'string' },
          name: { type: 'string' },
          priceCents: { type: 'integer' },
          quantity: { type: 'integer', minimum: 1, maximum: 99 },
          lineTotalCents: { type: 'integer' },
          imageUrl: { type: 'string' },
        },
      },
      Cart: {
        type: 'object',
        additionalProperties: false,
        required: ['id', 'createdAt', 'items', 'itemCount', 'totalCents', 'stale', 'unavailable'],
        properties: {
          id: { type: 'string', format: 'uuid' },
          createdAt: { type: 'string', format: 'date-time' },
          items: { type: 'array', items: ref('CartItem') },
          itemCount: { type: 'integer' },
          totalCents: { type: 'integer' },
          stale: { type: 'boolean' },
          unavailable: { type: 'array', items: { type: 'string' }, description: 'Products in the cart that the catalog no longer has' },
        },
      },
      CheckoutRequest: {
        type: 'object',
        additionalProperties: false,
        required: ['cartId', 'email'],
        properties: { cartId: { type: 'string', format: 'uuid' }, email: { type: 'string', format: 'email', maxLength: 254 } },
      },
      OrderLine: {
        type: 'object',
        additionalProperties: false,
        required: ['productId', 'name', 'quantity', 'priceCents'],
        properties: { productId: { type: 'string' }, name: { type: 'string' }, quantity: { type: 'integer', minimum: 1 }, priceCents: { type: 'integer' } },
      },
      Order: {
        type: 'object',
        additionalProperties: false,
        required: ['id', 'status', 'email', 'totalCents', 'lines', 'paymentId', 'createdAt', 'updatedAt'],
        properties: {
          id: { type: 'string', format: 'uuid' },
          status: { type: 'string', enum: [...ORDER_STATUSES] },
          email: { type: 'string' },
          totalCents: { type: 'integer' },
          lines: { type: 'array', items: ref('OrderLine'), minItems: 1 },
          paymentId: { type: ['string', 'null'] },
          createdAt: { type: 'string', format: 'date-time' },
          updatedAt: { type: 'string', format: 'date-time' },
        },
      },
      OrderPlacedEvent: {
        description: `Kafka topic "${ORDERS_TOPIC}", key = orderId; one per order, published when its payment is captured`,
        type: 'object',
        additionalProperties: false,
        required: ['eventId', 'type', 'orderId', 'occurredAt', 'email', 'totalCents', 'lines'],
        properties: {
          eventId: { type: 'string', format: 'uuid' },
          type: { const: 'order.placed' },
          orderId: { type: 'string', format: 'uuid' },
          occurredAt: { type: 'string', format: 'date-time' },
          email: { type: 'string' },
          totalCents: { type: 'integer' },
          lines: {
            type: 'array',
            minItems: 1,
            items: {
              type: 'object',
              additionalProperties: false,
              required: ['productId', 'quantity', 'priceCents'],
              properties: { productId: { type: 'string' }, quantity: { type: 'integer', minimum: 1 }, priceCents: { type: 'integer' } },
            },
          },
        },
      },
    },
  },
} as const;

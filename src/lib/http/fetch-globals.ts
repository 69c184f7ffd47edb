/**
 * The globals groq-sdk names, as the build's groq-sdk bundle sees them (scripts/bundle-groq-sdk.mjs: esbuild `inject`
 * replaces the free identifiers `Headers`, `FormData`, `Response`, and `define` sends `globalThis.ReadableStream`
 * to `GroqReadableStream`). Only inside that bundle: the process's globals stay Node's own.
 *
 * Why: on Node 20 the first touch of `Headers`, `FormData` or `Response` loads Node's bundled undici (~40 ms, more
 * than the rest of a request), and of `ReadableStream` the web streams (~4 ms). groq-sdk touches them on every
 * request, mostly to ask `body instanceof FormData` and the like, without ever creating one for a JSON request.
 *
 * - `Headers` is src/lib/http/headers.ts, a complete implementation: groq-sdk builds every request's headers with it.
 * - The others are stand-ins: `new` makes the platform's own object (loading it then, for an upload or a stream
 *   body), and `instanceof` answers by brand (`Object.prototype.toString`), so that checking a plain JSON body
 *   loads nothing. A platform object passes the check exactly as it did against the global.
 */
import {LightHeaders} from './headers.js'

type Constructor = new (...args: never[]) => object

/** `new` gives the global's own object; `instanceof` checks the brand without touching the global. */
function standIn<T extends Constructor>(name: 'FormData' | 'ReadableStream' | 'Response'): T {
  const brand = `[object ${name}]`
  const platform = () => (globalThis as unknown as Record<string, Constructor>)[name]
  const StandIn = function (this: unknown, ...args: never[]) {
    if (!new.target) throw new TypeError(`Class constructor ${name} cannot be invoked without 'new'`)
    return Reflect.construct(platform(), args)
  }
  Object.defineProperty(StandIn, 'name', {value: name})
  Object.defineProperty(StandIn, Symbol.hasInstance, {
    value: (value: unknown) =>
      (typeof value === 'object' || typeof value === 'function') &&
      value !== null &&
      Object.prototype.toString.call(value) === brand,
  })
  return StandIn as unknown as T
}

export {LightHeaders as Headers}
export const FormData = standIn<typeof globalThis.FormData>('FormData')
export const Response = standIn<typeof globalThis.Response>('Response')
export const GroqReadableStream = standIn<typeof globalThis.ReadableStream>('ReadableStream')

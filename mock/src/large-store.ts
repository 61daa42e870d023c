// Serving a very large store (about a million keys) at the cost per request of a small one.
//
// What grows with the store is not the server's work (a key is one Map lookup, a page one binary
// search) but V8's: every young-generation collection pauses for longer the larger the old
// generation is (measured standalone on Node 20: about 0.9 ms with 89 MiB of old objects, 3–4 ms
// with 1 GiB, whatever the objects), and a million keys hold about 1.1 GiB. Node 20 and 22 collect
// the young generation every 16 MiB allocated, about every thousand requests; Node 24 already
// sizes it about four times larger. With 64 MiB semi-spaces there are four times fewer pauses,
// and ping and create–list–revoke at a million keys cost what they cost at ten (bench row 8).
// It is a flag of the Node process, so it is given where Node starts (`NODE_OPTIONS`), never
// set by the package for the process that imports it.

/** Node options for a store of about a million keys: `NODE_OPTIONS="--max-semi-space-size=64"`. */
export const LARGE_STORE_NODE_OPTIONS: readonly string[] = ['--max-semi-space-size=64'];

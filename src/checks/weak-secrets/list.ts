// The shipped list of publicly known HMAC secrets tried by `weak-secret` (and `weak-key` for registry `oct` keys).
// Written for this project from the sources in ./SOURCE.md (documentation examples, framework defaults, tutorials);
// not copied from any attack tool's list. An entry is named in findings by its index here, never printed.
// It is a module, not a data file, so `dist/` carries it with the code.

/** The list's name in findings. */
export const BUILTIN_LIST = 'builtin';

export const WEAK_SECRETS: readonly string[] = [
  'your-256-bit-secret', // 0 jwt.io debugger's default HS256 secret
  'your-384-bit-secret', // 1 jwt.io, HS384
  'your-512-bit-secret', // 2 jwt.io, HS512
  'secret', // 3 the generic example secret (jsonwebtoken-style tutorials, elm JsonWebToken docs)
  '', // 4 the empty secret
  'changeme', // 5 placeholder in sample configs
  'password', // 6
  'shhhhh', // 7 node-jsonwebtoken README's example secret
  'shhhhhh', // 8 its common misspelling in tutorials
  '!ChangeMe!', // 9 Mercure / Symfony recipe default JWT_KEY
  '!UnsecureChangeMe!', // 10 Mercure's earlier default JWT_KEY
  'secretkey', // 11
  'secret-key', // 12
  'SECRET-KEY', // 13 Mantis template's config.js example
  'mysecret', // 14
  'supersecret', // 15
  'super-secret', // 16
  'jwt-secret', // 17
  'jwtsecret', // 18
  'JWT_SECRET', // 19 the environment variable's name used as its value
  'your-secret-key', // 20
  'your-secret-key-change-in-production', // 21 .env.example placeholder
  'ThisIsMySecret', // 22 tutorial config
  'test', // 23 jwt-hack's sample token secret
  'testing', // 24
  'key', // 25
  'private', // 26
  'admin', // 27
  'qwerty', // 28
  'asdfghjkl', // 29 tutorial secret
  '1234', // 30 jwt-pwn's example tokens
  '12345', // 31
  '123456', // 32
  '1234567', // 33
  '12345678', // 34
  '123456789', // 35
  '1234567890', // 36
  '0', // 37
  '000000', // 38
  'egg-full-jwt secret', // 39 egg-full-jwt's default config
];

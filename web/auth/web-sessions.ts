// The port behind web tokens (app/ wires the SQL one): whether a signed token still stands, and for whom.
export interface TokenRef {
  sub: string;
  jti: string;
  issuedMs: number;
}

export interface WebSessions {
  /** The surviving user the token acts for, or null when it has ended (claimed, signed out, banned since). */
  resolve(t: TokenRef): Promise<string | null>;
  /** Claims a token id once (a sign-in link) or ends it (a session at sign-out); true when this call did. */
  claim(jti: string, exp: number): Promise<boolean>;
}

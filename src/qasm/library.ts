/**
 * qelib1.inc gates that are not standard gates, written as OpenQASM 3 definitions over standard
 * gates. They are compiled on first use like user definitions, so a payload that calls `c3x` gets
 * the same inlined ops it would get had it defined the gate itself. The multi-controlled ones follow
 * the Gray-code construction: seven controlled phases of ±angle whose parities add up to one
 * controlled X^(angle·4/π) on the target. c4x uses rc3x and its inverse: the relative phases of rc3x
 * are diagonal on the controls, so they cancel around the controlled √X in between.
 */
export const LIBRARY_SOURCE = `OPENQASM 3.0;
gate u0(gamma) q { id q; }
gate cu3(theta, phi, lambda) c, t { cu(theta, phi, lambda, 0) c, t; }
gate csx a, b { h b; cp(pi/2) a, b; h b; }
gate rccx a, b, c {
  u2(0, pi) c; p(pi/4) c; cx b, c; p(-pi/4) c; cx a, c; p(pi/4) c; cx b, c; p(-pi/4) c; u2(0, pi) c;
}
gate rc3x a, b, c, d {
  u2(0, pi) d; p(pi/4) d; cx c, d; p(-pi/4) d; u2(0, pi) d;
  cx a, d; p(pi/4) d; cx b, d; p(-pi/4) d; cx a, d; p(pi/4) d; cx b, d; p(-pi/4) d;
  u2(0, pi) d; p(pi/4) d; cx c, d; p(-pi/4) d; u2(0, pi) d;
}
gate c3x a, b, c, d {
  h d; cp(pi/4) a, d; h d; cx a, b;
  h d; cp(-pi/4) b, d; h d; cx a, b;
  h d; cp(pi/4) b, d; h d; cx b, c;
  h d; cp(-pi/4) c, d; h d; cx a, c;
  h d; cp(pi/4) c, d; h d; cx b, c;
  h d; cp(-pi/4) c, d; h d; cx a, c;
  h d; cp(pi/4) c, d; h d;
}
gate c3sqrtx a, b, c, d {
  h d; cp(pi/8) a, d; h d; cx a, b;
  h d; cp(-pi/8) b, d; h d; cx a, b;
  h d; cp(pi/8) b, d; h d; cx b, c;
  h d; cp(-pi/8) c, d; h d; cx a, c;
  h d; cp(pi/8) c, d; h d; cx b, c;
  h d; cp(-pi/8) c, d; h d; cx a, c;
  h d; cp(pi/8) c, d; h d;
}
gate c4x a, b, c, d, e {
  h e; cp(pi/2) d, e; h e; rc3x a, b, c, d;
  h e; cp(-pi/2) d, e; h e; inv @ rc3x a, b, c, d;
  c3sqrtx a, b, c, e;
}
`;

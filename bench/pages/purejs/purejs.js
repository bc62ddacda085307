// Baseline (b): a decoder written in JavaScript. It parses the same certificate, verifies its signature
// against the environment's CA with WebCrypto and reads the profile fields the validator reports on
// (validity, EKU clientAuth, key usage, basic constraints, key size), then returns a verdict.
const config = JSON.parse(document.getElementById("bench-config").textContent);
/* global x509 */
const cas = config.environments.map((env) => new x509.X509Certificate(env.ca_pem));
const CLIENT_AUTH = "1.3.6.1.5.5.7.3.2";

async function validate(text) {
  const cert = new x509.X509Certificate(text);
  const ca = cas.find((candidate) => candidate.subject === cert.issuer);
  const now = new Date();
  const checks = [];
  checks.push(Boolean(ca) && (await cert.verify({ publicKey: ca.publicKey, signatureOnly: true })));
  checks.push(cert.notBefore <= now && now <= cert.notAfter);
  const eku = cert.getExtension(x509.ExtendedKeyUsageExtension);
  checks.push(Boolean(eku) && eku.usages.includes(CLIENT_AUTH));
  const ku = cert.getExtension(x509.KeyUsagesExtension);
  const wanted = x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment;
  checks.push(Boolean(ku) && (ku.usages & wanted) === wanted);
  const bc = cert.getExtension(x509.BasicConstraintsExtension);
  checks.push(!bc || !bc.ca);
  const algorithm = cert.publicKey.algorithm;
  checks.push(algorithm.name !== "RSASSA-PKCS1-v1_5" || algorithm.modulusLength >= 2048);
  return checks.every(Boolean) ? "pass" : "fail";
}

window.nuvyBench = { validate };
document.getElementById("status").textContent = "Ready.";
document.documentElement.dataset.nuvyRuntime = "ready";

// Credentials embedded in URLs: `scheme://user:password@host`, or a token as the user name. The finding covers `user:password`
// so redaction keeps the scheme and host readable. Placeholder passwords (`${DB_PASS}`, `<password>`,
// `****`) are not reported.
import { at, isAlnum, isAlpha, runStart, type CharTest } from "../chars.ts";
import { charClassCount, isPlaceholder, shannonEntropy } from "../checks.ts";
import type { Rule } from "../rule.ts";

const MAX_USERINFO = 256;
const isSchemeChar: CharTest = (c) => isAlnum(c) || c === 43 || c === 45 || c === 46;
// Userinfo runs to '@'; it cannot contain '/', '?', '#', whitespace, or another '@'.
const isUserinfoChar: CharTest = (c) => c > 32 && c !== 47 && c !== 63 && c !== 35 && c !== 64 && c !== 34 && c !== 39 && c !== 96 && c !== 127;

export const urlCredentialsRule: Rule = {
  name: "url_credentials",
  kinds: ["url_credentials"],
  mayMatch: (text) => text.includes("://") && text.includes("@"),
  find(text, emit) {
    for (let sep = text.indexOf("://"); sep !== -1; sep = text.indexOf("://", sep + 3)) {
      const schemeStart = runStart(text, sep, isSchemeChar, 32);
      if (schemeStart === sep || !isAlpha(at(text, schemeStart))) continue;
      const userStart = sep + 3;
      let i = userStart;
      while (i < text.length && i - userStart <= MAX_USERINFO && isUserinfoChar(text.charCodeAt(i))) i++;
      if (at(text, i) !== 64 || (!isAlnum(at(text, i + 1)) && at(text, i + 1) !== 91)) continue;
      const userinfo = text.slice(userStart, i);
      const colon = userinfo.indexOf(":");
      // A token used as the user name (`https://<token>@git.example.com/…`, how Git hosts accept
      // personal access tokens) is a credential when it looks random: long, letters and digits, high entropy.
      if (colon < 0) {
        if (looksLikeToken(userinfo)) emit("url_credentials", userStart, i);
        continue;
      }
      // An empty user is common (`redis://:password@host`); an empty password is not a credential.
      if (colon === userinfo.length - 1) continue;
      const password = userinfo.slice(colon + 1);
      if (isPlaceholder(decodeURIComponentSafe(password))) continue;
      emit("url_credentials", userStart, i);
    }
  },
};

/** A user name that is really a token: ≥ 20 characters, digits and letters of both cases, ≥ 3.5 bits/char. */
function looksLikeToken(user: string): boolean {
  if (user.length < 20 || !/^[A-Za-z0-9_.~-]+$/.test(user) || !/\d/.test(user) || !/[a-z]/.test(user) || !/[A-Z]/.test(user)) return false;
  return charClassCount(user) >= 3 && shannonEntropy(user) >= 3.5 && !isPlaceholder(user);
}

function decodeURIComponentSafe(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

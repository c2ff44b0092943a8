/**
 * A small list of the most common passwords of 12+ characters (and bases that people pad to 12),
 * compared case-insensitively. Shipped with the binary: no network look-up.
 */
export const COMMON_PASSWORDS: ReadonlySet<string> = new Set([
  "123456789012", "1234567890123", "12345678901234", "123456789123", "111111111111", "000000000000",
  "qwertyuiopas", "qwertyuiop123", "qwerty123456", "1q2w3e4r5t6y", "1qaz2wsx3edc", "zaq12wsxcde3",
  "passwordpassword", "password1234", "password12345", "password123456", "password123!", "passw0rd1234",
  "p@ssw0rd1234", "p@ssword1234", "letmein12345", "letmeinletmein", "welcome12345", "welcome123456",
  "iloveyou1234", "iloveyou12345", "administrator", "administrator1", "admin1234567", "adminadmin123",
  "changeme1234", "changemechangeme", "trustno1trustno1", "monkey123456", "dragon123456", "football1234",
  "baseball1234", "sunshine1234", "princess1234", "superman1234", "starwars1234", "whatever1234",
  "abcdefghijkl", "abcdefghijklm", "abc123abc123", "aaaaaaaaaaaa", "asdfghjklasd", "asdfasdfasdf",
  "qwertyqwerty", "correcthorsebatterystaple", "masterpassword", "mypassword123", "secretpassword",
  "railyardrailyard", "railyard1234", "default12345", "temp12345678", "test12345678", "testtesttest",
  "summer202020", "winter202020", "spring202020", "autumn202020", "january12345", "computer1234",
  "internet1234", "michael12345", "jennifer1234", "shadow123456", "mustang12345", "access123456",
  "master123456", "login1234567", "hello1234567", "helloworld12", "freedom12345", "ninja1234567",
  "qwerty123456789", "1234567890qwerty", "qwertyuiop1234", "password1234567", "password123456789", "iloveyou123456",
  "1q2w3e4r5t6y7u", "1q2w3e4r5t6y7u8i", "zxcvbnm123456", "zxcvbnmasdfg", "qazwsxedcrfv", "1qazxsw23edc", "!qaz2wsx3edc",
  "q1w2e3r4t5y6", "a1b2c3d4e5f6", "football12345", "baseball12345", "superman12345", "batman123456", "trustno123456",
  "password@123", "password!234", "p@ssw0rd123!", "p@ssword123!", "admin@123456", "admin12345678", "welcome@1234",
  "welcome1234!", "changeme123!", "letmein123456", "qwerty@123456", "abcd12345678", "abcdef123456", "abc123456789",
  "123qweasdzxc", "1234qwerasdf", "asdfghjkl123", "asdf1234asdf", "987654321000", "123456789100", "123456123456",
  "112233445566", "121212121212", "123123123123", "qweasdzxc123", "mypassword12", "mypassword1234", "secret123456",
  "pokemon12345", "minecraft123", "charlie12345", "liverpool123", "chelsea12345", "arsenal12345", "samsung12345",
  "google123456", "linkedin1234", "facebook1234", "iloveyou2026", "password2026", "welcome2026!", "summer2026!!",
]);

/** Why a password is refused, or null when it is acceptable. */
export function passwordProblem(password: string, context: { email?: string; name?: string } = {}): string | null {
  if ([...password].length < 12) return "use at least 12 characters";
  const lower = password.toLowerCase();
  if (COMMON_PASSWORDS.has(lower)) return "this password is on the list of common passwords; choose another";
  if (new Set(lower).size < 4) return "use more than three different characters";
  const local = context.email?.split("@")[0]?.toLowerCase();
  if (local && local.length >= 4 && lower.includes(local)) return "do not include your email address in the password";
  return null;
}

// Server errors in the user's words, on the field they concern (issue 13, finding 7).
import { describe, expect, test } from "bun:test";
import { ApiError } from "../../web/api.ts";
import { plainError, plainWords, splitError } from "../../web/errors.ts";

describe("error wording", () => {
  test("a glob problem on a list item names the line and says what to do, not 'globs.0: …'", () => {
    const error = new ApiError(400, "invalid", "globs.1: a glob cannot contain . or .. segments", ["globs.1"]);
    expect(splitError(error)).toEqual({ fields: { globs: "Line 2: A glob cannot use “.” or “..” as a folder name; write the path from the repository root." }, general: null });
  });

  test("several fields each get their own message, cut at each field's prefix", () => {
    const error = new ApiError(400, "invalid", "name: enter a name; email: enter a valid email address", ["name", "email"]);
    expect(splitError(error).fields).toEqual({ name: "Enter a name.", email: "Enter a valid email address." });
  });

  test("zod's length messages read as instructions", () => {
    expect(plainWords("Too small: expected string to have >=12 characters")).toBe("Use at least 12 characters.");
    expect(plainWords("Too big: expected string to have <=100 characters")).toBe("Use at most 100 characters.");
    expect(plainWords("Invalid input: expected string, received undefined")).toBe("Fill this in.");
  });

  test("without a field, the message is one capitalised sentence; with one, it is named in words", () => {
    expect(splitError(new ApiError(401, "unauthenticated", "email or password is incorrect"))).toEqual({ fields: {}, general: "Email or password is incorrect." });
    expect(plainError(new ApiError(400, "invalid", "newPassword: choose a password different from the current one", ["newPassword"]))).toBe("New password: Choose a password different from the current one.");
  });
});

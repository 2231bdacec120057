import { describe, expect, it } from "vitest";
import { ApiError, errorMessage, toProblem } from "./problem";

describe("problem+json", () => {
  it("shows the detail the service sent", () => {
    const body = {
      type: "https://mes.example.org/problems/lot_not_found",
      title: "Not found",
      status: 404,
      detail: "No lot with code NOPE.",
      code: "lot_not_found",
    };
    const err = new ApiError(toProblem(404, body));
    expect(err.message).toBe("No lot with code NOPE.");
    expect(err.code).toBe("lot_not_found");
    expect(err.status).toBe(404);
  });

  it("names the invalid fields of a validation problem", () => {
    const err = new ApiError(
      toProblem(422, {
        status: 422,
        detail: "The request has invalid fields; see errors.",
        code: "validation_failed",
        errors: [{ field: "body.reason", message: "String should have at least 1 character" }],
      }),
    );
    expect(err.message).toBe(
      "The request has invalid fields; see errors. (reason: String should have at least 1 character)",
    );
  });

  it("never leaves a person with nothing to read", () => {
    expect(errorMessage(new ApiError(toProblem(502, "<html>Bad gateway</html>")))).toMatch(/not available/);
    expect(errorMessage(new ApiError(toProblem(500, null, "Internal Server Error")))).toBe("Internal Server Error");
    expect(errorMessage(new ApiError(toProblem(500, null)))).toBe("The server answered 500.");
    expect(errorMessage(new TypeError("Failed to fetch"))).toMatch(/can't be reached/);
    expect(errorMessage("???")).toBe("Something went wrong.");
  });
});

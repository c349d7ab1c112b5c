// asl-validator 4 ships no type declarations; this is the part the tests use.
declare module "asl-validator" {
  interface ValidationResult {
    isValid: boolean;
    errors: { "Error code": string; Message: string }[];
  }
  export default function validator(definition: unknown, options?: Record<string, unknown>): ValidationResult;
}

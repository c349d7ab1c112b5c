import { offlineUnavailableReason } from "../../scripts/lib/terraform";

/** Why Terraform checks cannot run here (no terraform binary or no provider mirror), or undefined. */
export const terraformUnavailable = offlineUnavailableReason();

/**
 * `describe` for suites that run real Terraform. Where Terraform or the provider mirror is missing they are
 * skipped, loudly: the reason is in the suite name and printed once.
 */
export const describeWithTerraform: (name: string, fn: () => void) => void = terraformUnavailable
  ? (name, fn) => {
      // eslint-disable-next-line no-console
      console.warn(`SKIPPED "${name}": ${terraformUnavailable}`);
      describe.skip(`${name} [SKIPPED: ${terraformUnavailable}]`, fn);
    }
  : describe;

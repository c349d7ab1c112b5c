/**
 * Runs once before the test workers start: installs the provider into the shared plugin cache, so the Terraform
 * suites' parallel `terraform init`s only link it (see warmPluginCache). Without Terraform this does nothing; the
 * suites themselves skip loudly.
 */
import { warmPluginCache } from "../../scripts/terraform";

export default function globalSetup(): void {
  warmPluginCache();
}

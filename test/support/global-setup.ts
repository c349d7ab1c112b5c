/**
 * Runs once before the test workers start: installs the provider into the shared plugin cache, so the Terraform
 * suites' parallel `terraform init`s only link it (see warmPluginCache). Without Terraform that part does nothing;
 * the suites themselves skip loudly.
 */
import { warmPluginCache } from "../../scripts/lib/terraform";

export default function globalSetup(): void {
  // Workers inherit this. The warning is for people running the SDK on Node 20 (docs/versions.md); repeated by every
  // suite that loads a client, it only buries test output.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = "true";
  warmPluginCache();
}

import { Testing, TerraformStack } from "cdktn";
import { KeyValueStore } from "./key-value-store";

function synth(props: { name: string; comment: string }) {
  const app = Testing.app();
  const stack = new TerraformStack(app, "test");
  const kvs = new KeyValueStore(stack, "kvs", props);
  return { json: JSON.parse(Testing.synth(stack)), kvs };
}

test("one aws_cloudfront_key_value_store with the name and comment; the arn is a reference", () => {
  const { json, kvs } = synth({ name: "dev-shop-redirects", comment: "SHOP-1500 read by dev-shop-redirect" });
  expect(Object.values(json.resource.aws_cloudfront_key_value_store)).toEqual([{ name: "dev-shop-redirects", comment: "SHOP-1500 read by dev-shop-redirect" }]);
  expect(kvs.arn).toMatch(/^\$\{TfToken\[TOKEN\.\d+\]\}$/);
});

test.each([
  [{ name: "dev shop", comment: "x" }, 'key value store name "dev shop" must be 1-64 of [a-zA-Z0-9-_]'],
  [{ name: "a".repeat(65), comment: "x" }, `key value store name "${"a".repeat(65)}" must be 1-64 of [a-zA-Z0-9-_]`],
  [{ name: "dev-shop-x", comment: "c".repeat(129) }, "key value store dev-shop-x: comment is 129 characters; CloudFront allows at most 128"],
])("invalid props are refused: %j", (props, message) => {
  expect(() => synth(props)).toThrow(message);
});

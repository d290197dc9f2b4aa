// Validate a SARIF file against the SARIF 2.1.0 schema. Exit 0 when valid; otherwise
// print every schema error and exit 1.
const fs = require("fs");
const Ajv = require("ajv");
const schema = require("@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json");

const ajv = new Ajv({ schemaId: "auto", allErrors: true });
ajv.addMetaSchema(require("ajv/lib/refs/json-schema-draft-04.json"));
const validate = ajv.compile(schema);
const log = JSON.parse(fs.readFileSync(process.argv[2], "utf8"));
if (validate(log)) {
  console.log("valid SARIF 2.1.0");
} else {
  console.error(JSON.stringify(validate.errors, null, 2));
  process.exit(1);
}

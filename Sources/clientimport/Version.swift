/// The version `clientimport --version` prints. The one place a release changes it.
let clientimportVersion = "0.9.0"

/// A count and its noun for a message: "1 client", "5 clients".
func counted(_ count: Int, _ one: String, _ many: String) -> String { "\(count) \(count == 1 ? one : many)" }

-- The verbs plugins return from `map`; the host puts them in the `clientimport` namespace, which
-- scripts cannot change (a plugin could otherwise replace what the rule set's engine sees).
-- `clientimport.skip(reason)`: leave this row out (reported as a warning).
-- `clientimport.reject(reason)`: the row is an error (the whole file is rejected).
local verbs = {}

function verbs.skip(reason)
  return { __verb = "skip", reason = reason }
end

function verbs.reject(reason)
  return { __verb = "reject", reason = reason }
end

return verbs

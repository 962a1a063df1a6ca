-- The verbs plugins return from `map`, in the `clientimport` namespace.
-- `clientimport.skip(reason)`: leave this row out (reported as a warning).
-- `clientimport.reject(reason)`: the row is an error (the whole file is rejected).
local namespace = clientimport

function namespace.skip(reason)
  return { __verb = "skip", reason = reason }
end

function namespace.reject(reason)
  return { __verb = "reject", reason = reason }
end

return namespace

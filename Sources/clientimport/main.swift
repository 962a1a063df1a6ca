print("clientimport")

print("mbmpo")

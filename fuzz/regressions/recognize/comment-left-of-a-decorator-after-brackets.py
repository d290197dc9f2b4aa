if r:
 @x(f"""
{1}
""")
#
 def n():e
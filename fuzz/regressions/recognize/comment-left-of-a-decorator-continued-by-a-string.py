if r:
 @\
t"""
#
"""
#
 def n():e
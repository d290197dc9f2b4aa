text = '\n'.join([*'@dispatch(' + str(s) for s in x])

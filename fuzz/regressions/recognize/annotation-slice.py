model_data: dict[str, dict[str: , object]] = defaultdict(dict)

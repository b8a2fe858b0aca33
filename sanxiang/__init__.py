"""Sanxiang (三项): the 三项制度 platform for administrative enforcement agencies."""

"""The guide's proof: every code block under docs/ runs against a local nginx configured like the Nuvy API."""

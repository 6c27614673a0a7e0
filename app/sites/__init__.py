"""Places other than villages that the plan inspects (issue 23): the kinds as data
(forms/sites/), their registers, inspections, the sampling plan and their figures."""

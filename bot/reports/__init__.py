"""Reports: chat text, Excel workbooks and charts from storage/repositories/measures/."""

Attribute VB_Name = "xlplan"
' The buttons of an xlplan plan workbook. Each runs one Python macro of
' xlplan.excel.macros through the xlwings add-in's RunPython (install it
' first: see INSTALL.md). No xlwings licence key is needed.
Option Explicit

Private Sub XlplanRun(command As String)
    Application.Run "xlwings.xlam!RunPython", "import xlplan.excel.macros as m; m." & command
End Sub

Public Sub XlplanCheckPlan()
    XlplanRun "check_plan()"
End Sub

Public Sub XlplanDrawStakeholderMap()
    XlplanRun "draw_stakeholder_map()"
End Sub

Public Sub XlplanRefresh()
    XlplanRun "refresh()"
End Sub

Public Sub XlplanExportClientDeck()
    XlplanRun "export_deck(audience='client')"
End Sub

Public Sub XlplanExportInternalDeck()
    XlplanRun "export_deck(audience='internal')"
End Sub

; Inno Setup 6 script: the Windows installer of the standalone app (UNTESTED: written on Linux,
; where neither the Windows build nor Inno Setup can run). It installs for the current user,
; without administrator rights, into %LOCALAPPDATA%\Programs\BrokerDesk, adds a Start-menu entry
; and opens .brokerdesk ledgers with BrokerDesk.exe (the window; packaging/BrokerDesk.py takes the
; file as --db).
;   python packaging\build.py                              (→ dist\broker-desk\)
;   iscc /DAppVersion=0.1.0 packaging\windows\broker-desk.iss   (→ dist\BrokerDesk-0.1.0-setup.exe)

#ifndef AppVersion
  #define AppVersion "0.1.0"
#endif
#define Dist "..\..\dist\broker-desk"

[Setup]
AppId={{6D0C5B8E-3F1A-4C7B-9E2D-8A4F1B2C3D4E}
AppName=BrokerDesk
AppVersion={#AppVersion}
AppPublisher=BrokerDesk
DefaultDirName={localappdata}\Programs\BrokerDesk
DefaultGroupName=BrokerDesk
DisableProgramGroupPage=yes
PrivilegesRequired=lowest
ChangesAssociations=yes
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
SetupIconFile=..\icon\broker-desk.ico
UninstallDisplayIcon={app}\BrokerDesk.exe
OutputDir=..\..\dist
OutputBaseFilename=BrokerDesk-{#AppVersion}-setup
Compression=lzma2
SolidCompression=yes
WizardStyle=modern

[Files]
Source: "{#Dist}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{group}\BrokerDesk"; Filename: "{app}\BrokerDesk.exe"; WorkingDir: "{app}"
Name: "{group}\{cm:UninstallProgram,BrokerDesk}"; Filename: "{uninstallexe}"

[Registry]
; per-user file association (HKCU\Software\Classes), removed on uninstall
Root: HKCU; Subkey: "Software\Classes\.brokerdesk"; ValueType: string; ValueName: ""; ValueData: "BrokerDesk.Ledger"; Flags: uninsdeletevalue
Root: HKCU; Subkey: "Software\Classes\BrokerDesk.Ledger"; ValueType: string; ValueName: ""; ValueData: "BrokerDesk ledger"; Flags: uninsdeletekey
Root: HKCU; Subkey: "Software\Classes\BrokerDesk.Ledger\DefaultIcon"; ValueType: string; ValueName: ""; ValueData: "{app}\BrokerDesk.exe,0"
Root: HKCU; Subkey: "Software\Classes\BrokerDesk.Ledger\shell\open\command"; ValueType: string; ValueName: ""; ValueData: """{app}\BrokerDesk.exe"" ""%1"""

[Run]
Filename: "{app}\BrokerDesk.exe"; Description: "{cm:LaunchProgram,BrokerDesk}"; Flags: nowait postinstall skipifsilent

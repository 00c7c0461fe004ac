; Inno Setup 6 script: CoLiv Desktop for one Windows user, no administrator rights needed.
;
;   python packaging\build.py                          (makes dist\CoLiv\coliv.exe first)
;   "C:\Program Files (x86)\Inno Setup 6\ISCC.exe" packaging\windows\coliv.iss
;   -> dist\CoLiv-<version>-setup.exe
;
; The version comes from coliv.exe's version resource, which packaging/coliv.spec fills from
; pyproject.toml: there is no second place to bump. See packaging/README.md, Windows.

#define AppExe "coliv.exe"
#define BuiltApp "..\..\dist\CoLiv"
#define AppVersion GetStringFileInfo(BuiltApp + "\" + AppExe, "ProductVersion")
#if AppVersion == ""
  #error dist\CoLiv\coliv.exe is missing or has no version: run python packaging\build.py first
#endif

[Setup]
; Never change AppId: Windows knows an installed CoLiv (upgrades, uninstall) by it.
AppId={{6F1C2B7E-3D5A-4E8B-9C41-2A7D5E0B9F13}
AppName=CoLiv Desktop
AppVersion={#AppVersion}
AppVerName=CoLiv Desktop {#AppVersion}
AppPublisher=CoLiv
AppCopyright=CoLiv Desktop contributors, MIT licence
VersionInfoVersion={#GetVersionNumbersString(BuiltApp + "\" + AppExe)}
; Per user: %LOCALAPPDATA%\Programs\CoLiv, no UAC prompt. The books live elsewhere, in
; %LOCALAPPDATA%\CoLiv (platformdirs), so uninstalling or upgrading never touches them.
PrivilegesRequired=lowest
PrivilegesRequiredOverridesAllowed=
DefaultDirName={autopf}\CoLiv
DefaultGroupName=CoLiv Desktop
DisableProgramGroupPage=yes
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
MinVersion=10.0
SetupIconFile=..\..\resources\icons\app\coliv.ico
UninstallDisplayIcon={app}\{#AppExe}
UninstallDisplayName=CoLiv Desktop
OutputDir=..\..\dist
OutputBaseFilename=CoLiv-{#AppVersion}-setup
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern
CloseApplications=yes

[Languages]
Name: "english"; MessagesFile: "compiler:Default.isl"

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked

[InstallDelete]
; An upgrade replaces the app folder whole, so no library of the old version lingers.
Type: filesandordirs; Name: "{app}\_internal"

[Files]
Source: "{#BuiltApp}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{autoprograms}\CoLiv Desktop"; Filename: "{app}\{#AppExe}"; Comment: "Rooms, tenants, leases and rent books"
Name: "{autodesktop}\CoLiv Desktop"; Filename: "{app}\{#AppExe}"; Tasks: desktopicon

[Run]
Filename: "{app}\{#AppExe}"; Description: "{cm:LaunchProgram,CoLiv Desktop}"; Flags: nowait postinstall skipifsilent

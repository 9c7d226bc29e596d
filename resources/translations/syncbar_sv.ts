<?xml version='1.0' encoding='utf-8'?>
<TS version="2.1" language="sv_SE">
<context>
    <name>ChoicesBox</name>
    <message>
        <location filename="../../app/ui/choices_box.py" line="22" />
        <source>What to sync</source>
        <translation>Vad som ska synkas</translation>
    </message>
    <message>
        <location filename="../../app/ui/choices_box.py" line="26" />
        <source>Emails</source>
        <translation>E-post</translation>
    </message>
    <message>
        <location filename="../../app/ui/choices_box.py" line="27" />
        <source>Events</source>
        <translation>Möten</translation>
    </message>
    <message>
        <location filename="../../app/ui/choices_box.py" line="28" />
        <source>Contacts</source>
        <translation>Kontakter</translation>
    </message>
    <message>
        <location filename="../../app/ui/choices_box.py" line="29" />
        <source>Tasks</source>
        <translation>Uppgifter</translation>
    </message>
    <message>
        <location filename="../../app/ui/choices_box.py" line="37" />
        <source> days</source>
        <translation> dagar</translation>
    </message>
    <message>
        <location filename="../../app/ui/choices_box.py" line="38" />
        <source>History to sync</source>
        <translation>Historik att synka</translation>
    </message>
    <message>
        <location filename="../../app/ui/choices_box.py" line="39" />
        <source>Also sync the last:</source>
        <translation>Synka även de senaste:</translation>
    </message>
    <message>
        <location filename="../../app/ui/choices_box.py" line="41" />
        <source>company.com, company.de</source>
        <translation>foretag.se, foretag.de</translation>
    </message>
    <message>
        <location filename="../../app/ui/choices_box.py" line="42" />
        <source>Internal domains</source>
        <translation>Interna domäner</translation>
    </message>
    <message>
        <location filename="../../app/ui/choices_box.py" line="43" />
        <source>Internal domains:</source>
        <translation>Interna domäner:</translation>
    </message>
    <message>
        <location filename="../../app/ui/choices_box.py" line="45" />
        <source>addresses or @domains never to log, comma separated</source>
        <translation>adresser eller @domäner som aldrig loggas, kommaseparerade</translation>
    </message>
    <message>
        <location filename="../../app/ui/choices_box.py" line="46" />
        <source>Never log</source>
        <translation>Logga aldrig</translation>
    </message>
    <message>
        <location filename="../../app/ui/choices_box.py" line="47" />
        <source>Never log:</source>
        <translation>Logga aldrig:</translation>
    </message>
</context>
<context>
    <name>CycleProcess</name>
    <message>
        <location filename="../../app/ui/sync_process.py" line="135" />
        <source>The sync process could not start: {error}</source>
        <translation>Synkprocessen kunde inte starta: {error}</translation>
    </message>
    <message>
        <location filename="../../app/ui/sync_process.py" line="148" />
        <source>The sync process stopped unexpectedly ({detail}). Nothing is lost: the next sync goes on from where it stopped.</source>
        <translation>Synkprocessen avbröts oväntat ({detail}). Inget har gått förlorat: nästa synkning fortsätter där den slutade.</translation>
    </message>
</context>
<context>
    <name>DesktopApp</name>
    <message>
        <location filename="../../app/ui/app.py" line="172" />
        <location filename="../../app/ui/app.py" line="187" />
        <source>Could not save the settings: {error}</source>
        <translation>Kunde inte spara inställningarna: {error}</translation>
    </message>
    <message>
        <location filename="../../app/ui/app.py" line="203" />
        <source>Other sync software</source>
        <translation>Annan synkprogramvara</translation>
    </message>
    <message>
        <location filename="../../app/ui/app.py" line="220" />
        <source>Could not open the settings: {error}</source>
        <translation>Kunde inte öppna inställningarna: {error}</translation>
    </message>
    <message>
        <location filename="../../app/ui/app.py" line="265" />
        <source>Sync on hold</source>
        <translation>Synkningen väntar</translation>
    </message>
    <message>
        <location filename="../../app/ui/app.py" line="267" />
        <source>Sync error</source>
        <translation>Synkfel</translation>
    </message>
    <message>
        <location filename="../../app/ui/app.py" line="469" />
        <source>Could not change “Start at login”: {error}</source>
        <translation>Kunde inte ändra ”Starta vid inloggning”: {error}</translation>
    </message>
    <message>
        <location filename="../../app/ui/app.py" line="476" />
        <source>Finishing the current step of the sync…</source>
        <translation>Avslutar det pågående steget i synkningen…</translation>
    </message>
</context>
<context>
    <name>DetailsDialog</name>
    <message>
        <location filename="../../app/ui/dialogs.py" line="40" />
        <source>You</source>
        <translation>Du</translation>
    </message>
    <message>
        <location filename="../../app/ui/dialogs.py" line="41" />
        <source>Your Salesforce administrator</source>
        <translation>Din Salesforce-administratör</translation>
    </message>
    <message>
        <location filename="../../app/ui/dialogs.py" line="42" />
        <source>Your mailbox (Microsoft 365, Exchange or Google) administrator</source>
        <translation>Administratören för din brevlåda (Microsoft 365, Exchange eller Google)</translation>
    </message>
    <message>
        <location filename="../../app/ui/dialogs.py" line="45" />
        <source>Syncbar support</source>
        <translation>Syncbars support</translation>
    </message>
    <message>
        <location filename="../../app/ui/dialogs.py" line="128" />
        <source>Sign in again…</source>
        <translation>Logga in igen…</translation>
    </message>
    <message>
        <location filename="../../app/ui/dialogs.py" line="144" />
        <source>Chat with support…</source>
        <translation>Chatta med supporten…</translation>
    </message>
    <message>
        <location filename="../../app/ui/dialogs.py" line="96" />
        <source>Sync error details — {code}</source>
        <translation>Detaljer om synkfelet — {code}</translation>
    </message>
    <message>
        <location filename="../../app/ui/dialogs.py" line="49" />
        <source>Contact</source>
        <translation>Kontakt</translation>
    </message>
    <message>
        <location filename="../../app/ui/dialogs.py" line="50" />
        <source>Lead</source>
        <translation>Lead</translation>
    </message>
    <message>
        <location filename="../../app/ui/dialogs.py" line="51" />
        <source>Account</source>
        <translation>Konto</translation>
    </message>
    <message>
        <location filename="../../app/ui/dialogs.py" line="102" />
        <source>Problem:</source>
        <translation>Problem:</translation>
    </message>
    <message>
        <location filename="../../app/ui/dialogs.py" line="103" />
        <source>Code:</source>
        <translation>Kod:</translation>
    </message>
    <message>
        <location filename="../../app/ui/dialogs.py" line="105" />
        <source>Item:</source>
        <translation>Objekt:</translation>
    </message>
    <message>
        <location filename="../../app/ui/dialogs.py" line="107" />
        <source>Account:</source>
        <translation>Konto:</translation>
    </message>
    <message>
        <location filename="../../app/ui/dialogs.py" line="108" />
        <source>Description:</source>
        <translation>Beskrivning:</translation>
    </message>
    <message>
        <location filename="../../app/ui/dialogs.py" line="110" />
        <source>The service said:</source>
        <translation>Tjänsten svarade:</translation>
    </message>
    <message>
        <location filename="../../app/ui/dialogs.py" line="111" />
        <source>What to do:</source>
        <translation>Gör så här:</translation>
    </message>
    <message>
        <location filename="../../app/ui/dialogs.py" line="118" />
        <source>Records the duplicate rule found:</source>
        <translation>Poster som dubblettregeln hittade:</translation>
    </message>
    <message>
        <location filename="../../app/ui/dialogs.py" line="120" />
        <source>Who can fix it:</source>
        <translation>Vem kan åtgärda det:</translation>
    </message>
    <message>
        <location filename="../../app/ui/dialogs.py" line="124" />
        <source>Close</source>
        <translation>Stäng</translation>
    </message>
    <message>
        <location filename="../../app/ui/dialogs.py" line="131" />
        <source>Open in Gmail</source>
        <translation>Öppna i Gmail</translation>
    </message>
    <message>
        <location filename="../../app/ui/dialogs.py" line="131" />
        <source>Open in Outlook</source>
        <translation>Öppna i Outlook</translation>
    </message>
    <message>
        <location filename="../../app/ui/dialogs.py" line="135" />
        <source>Open Salesforce Setup</source>
        <translation>Öppna Salesforce-inställningar</translation>
    </message>
    <message>
        <location filename="../../app/ui/dialogs.py" line="138" />
        <source>Open record</source>
        <translation>Öppna posten</translation>
    </message>
    <message>
        <location filename="../../app/ui/dialogs.py" line="140" />
        <source>Retry</source>
        <translation>Försök igen</translation>
    </message>
    <message>
        <location filename="../../app/ui/dialogs.py" line="141" />
        <source>Ignore</source>
        <translation>Ignorera</translation>
    </message>
    <message>
        <location filename="../../app/ui/dialogs.py" line="143" />
        <source>Try now</source>
        <translation>Försök nu</translation>
    </message>
    <message>
        <location filename="../../app/ui/dialogs.py" line="182" />
        <source>Record</source>
        <translation>Post</translation>
    </message>
    <message>
        <location filename="../../app/ui/dialogs.py" line="183" />
        <source>Open {object} {id}</source>
        <translation>Öppna {object} {id}</translation>
    </message>
</context>
<context>
    <name>GeneralTab</name>
    <message>
        <location filename="../../app/ui/window.py" line="119" />
        <source>Sign in again…</source>
        <translation>Logga in igen…</translation>
    </message>
    <message>
        <location filename="../../app/ui/window.py" line="140" />
        <source>Sync now</source>
        <translation>Synka nu</translation>
    </message>
    <message>
        <location filename="../../app/ui/window.py" line="141" />
        <location filename="../../app/ui/window.py" line="274" />
        <source>Pause</source>
        <translation>Pausa</translation>
    </message>
    <message>
        <location filename="../../app/ui/window.py" line="142" />
        <source>Set up accounts…</source>
        <translation>Konfigurera konton…</translation>
    </message>
    <message>
        <location filename="../../app/ui/window.py" line="154" />
        <location filename="../../app/ui/window.py" line="286" />
        <source>Current sync error</source>
        <translation>Aktuellt synkfel</translation>
    </message>
    <message>
        <location filename="../../app/ui/window.py" line="159" />
        <source>Try now</source>
        <translation>Försök nu</translation>
    </message>
    <message>
        <location filename="../../app/ui/window.py" line="160" />
        <source>If the cause is fixed, check once now instead of waiting</source>
        <translation>Om orsaken är åtgärdad: kontrollera en gång nu i stället för att vänta</translation>
    </message>
    <message>
        <location filename="../../app/ui/window.py" line="161" />
        <source>Show details</source>
        <translation>Visa detaljer</translation>
    </message>
    <message>
        <location filename="../../app/ui/window.py" line="168" />
        <location filename="../../app/ui/window.py" line="236" />
        <source>Last session details</source>
        <translation>Senaste synkningen</translation>
    </message>
    <message>
        <location filename="../../app/ui/window.py" line="171" />
        <location filename="../../app/ui/window.py" line="306" />
        <source>No session yet</source>
        <translation>Ingen synkning än</translation>
    </message>
    <message>
        <location filename="../../app/ui/window.py" line="172" />
        <source>Refresh</source>
        <translation>Uppdatera</translation>
    </message>
    <message>
        <location filename="../../app/ui/window.py" line="179" />
        <location filename="../../app/ui/window.py" line="205" />
        <source>Object</source>
        <translation>Objekt</translation>
    </message>
    <message>
        <location filename="../../app/ui/window.py" line="180" />
        <source>New</source>
        <translation>Nya</translation>
    </message>
    <message>
        <location filename="../../app/ui/window.py" line="181" />
        <location filename="../../app/ui/window.py" line="207" />
        <source>Updated</source>
        <translation>Uppdaterade</translation>
    </message>
    <message>
        <location filename="../../app/ui/window.py" line="182" />
        <source>Duplicate</source>
        <translation>Dubbletter</translation>
    </message>
    <message>
        <location filename="../../app/ui/window.py" line="183" />
        <source>Ignored</source>
        <translation>Ignorerade</translation>
    </message>
    <message>
        <location filename="../../app/ui/window.py" line="184" />
        <location filename="../../app/ui/window.py" line="208" />
        <source>Failed</source>
        <translation>Misslyckade</translation>
    </message>
    <message>
        <location filename="../../app/ui/window.py" line="196" />
        <source>Sync history (last 7 days)</source>
        <translation>Synkhistorik (senaste 7 dagarna)</translation>
    </message>
    <message>
        <location filename="../../app/ui/window.py" line="203" />
        <source>Date</source>
        <translation>Datum</translation>
    </message>
    <message>
        <location filename="../../app/ui/window.py" line="204" />
        <source>Direction</source>
        <translation>Riktning</translation>
    </message>
    <message>
        <location filename="../../app/ui/window.py" line="206" />
        <source>Added</source>
        <translation>Tillagda</translation>
    </message>
    <message>
        <location filename="../../app/ui/window.py" line="220" />
        <source>Start at login</source>
        <translation>Starta vid inloggning</translation>
    </message>
    <message>
        <location filename="../../app/ui/window.py" line="223" />
        <source>Notify me the first time</source>
        <translation>Meddela mig första gången</translation>
    </message>
    <message>
        <location filename="../../app/ui/window.py" line="224" />
        <source>Notify me every time</source>
        <translation>Meddela mig varje gång</translation>
    </message>
    <message>
        <location filename="../../app/ui/window.py" line="225" />
        <source>Never notify me</source>
        <translation>Meddela mig aldrig</translation>
    </message>
    <message>
        <location filename="../../app/ui/window.py" line="230" />
        <source>Notifications:</source>
        <translation>Aviseringar:</translation>
    </message>
    <message>
        <location filename="../../app/ui/window.py" line="234" />
        <source>Sync status</source>
        <translation>Synkstatus</translation>
    </message>
    <message>
        <location filename="../../app/ui/window.py" line="235" />
        <source>Sync state icon</source>
        <translation>Ikon för synkläge</translation>
    </message>
    <message>
        <location filename="../../app/ui/window.py" line="237" />
        <source>Sync history</source>
        <translation>Synkhistorik</translation>
    </message>
    <message>
        <location filename="../../app/ui/window.py" line="238" />
        <source>Sync history chart</source>
        <translation>Diagram över synkhistorik</translation>
    </message>
    <message>
        <location filename="../../app/ui/window.py" line="239" />
        <source>Notifications</source>
        <translation>Aviseringar</translation>
    </message>
    <message>
        <location filename="../../app/ui/window.py" line="241" />
        <location filename="../../app/ui/window.py" line="276" />
        <source>Sync now (F5)</source>
        <translation>Synka nu (F5)</translation>
    </message>
    <message>
        <location filename="../../app/ui/window.py" line="262" />
        <source>Mailbox: {mailbox}    Salesforce: {crm}</source>
        <translation>Brevlåda: {mailbox}    Salesforce: {crm}</translation>
    </message>
    <message>
        <location filename="../../app/ui/window.py" line="269" />
        <source>No account is set up yet. Click “Set up accounts…”, or run “syncbar demo” to try Syncbar first.</source>
        <translation>Inget konto är konfigurerat än. Klicka på ”Konfigurera konton…”, eller kör ”syncbar demo” för att prova Syncbar först.</translation>
    </message>
    <message>
        <location filename="../../app/ui/window.py" line="274" />
        <source>Resume</source>
        <translation>Återuppta</translation>
    </message>
    <message>
        <location filename="../../app/ui/window.py" line="283" />
        <source>Next sync: {time}</source>
        <translation>Nästa synkning: {time}</translation>
    </message>
    <message>
        <location filename="../../app/ui/window.py" line="286" />
        <source>Waiting</source>
        <translation>Väntar</translation>
    </message>
    <message>
        <location filename="../../app/ui/window.py" line="295" />
        <source>{service} needs you to sign in again{who}: {title}. Syncing is on hold until then.</source>
        <translation>{service} behöver att du loggar in igen{who}: {title}. Synkningen väntar tills dess.</translation>
    </message>
    <message>
        <location filename="../../app/ui/window.py" line="296" />
        <source>An account</source>
        <translation>Ett konto</translation>
    </message>
    <message>
        <location filename="../../app/ui/window.py" line="312" />
        <source>Started {start}, ended {end} — {outcome}</source>
        <translation>Startade {start}, slutade {end} — {outcome}</translation>
    </message>
</context>
<context>
    <name>HistoryChart</name>
    <message>
        <location filename="../../app/ui/window.py" line="75" />
        <source>No sync in the last 7 days</source>
        <translation>Ingen synkning de senaste 7 dagarna</translation>
    </message>
</context>
<context>
    <name>IssuesTab</name>
    <message>
        <location filename="../../app/ui/window.py" line="378" />
        <source>All objects</source>
        <translation>Alla objekt</translation>
    </message>
    <message>
        <location filename="../../app/ui/window.py" line="383" />
        <source>All sources</source>
        <translation>Alla källor</translation>
    </message>
    <message>
        <location filename="../../app/ui/window.py" line="388" />
        <source>Open</source>
        <translation>Öppna</translation>
    </message>
    <message>
        <location filename="../../app/ui/window.py" line="389" />
        <source>All states</source>
        <translation>Alla lägen</translation>
    </message>
    <message>
        <location filename="../../app/ui/window.py" line="390" />
        <source>Resolved</source>
        <translation>Lösta</translation>
    </message>
    <message>
        <location filename="../../app/ui/window.py" line="391" />
        <source>Ignored</source>
        <translation>Ignorerade</translation>
    </message>
    <message>
        <location filename="../../app/ui/window.py" line="395" />
        <source>Search item, code or message</source>
        <translation>Sök objekt, kod eller meddelande</translation>
    </message>
    <message>
        <location filename="../../app/ui/window.py" line="399" />
        <source>Actions for the selected issues (or right-click a row)</source>
        <translation>Åtgärder för de markerade problemen (eller högerklicka på en rad)</translation>
    </message>
    <message>
        <location filename="../../app/ui/window.py" line="400" />
        <source>Actions</source>
        <translation>Åtgärder</translation>
    </message>
    <message>
        <location filename="../../app/ui/window.py" line="403" />
        <source>Retry now</source>
        <translation>Försök igen nu</translation>
    </message>
    <message>
        <location filename="../../app/ui/window.py" line="404" />
        <source>Ignore item</source>
        <translation>Ignorera objektet</translation>
    </message>
    <message>
        <location filename="../../app/ui/window.py" line="405" />
        <source>Copy details</source>
        <translation>Kopiera detaljer</translation>
    </message>
    <message>
        <location filename="../../app/ui/window.py" line="406" />
        <source>Show details</source>
        <translation>Visa detaljer</translation>
    </message>
    <message>
        <location filename="../../app/ui/window.py" line="408" />
        <source>Chat with support…</source>
        <translation>Chatta med supporten…</translation>
    </message>
    <message>
        <location filename="../../app/ui/window.py" line="410" />
        <source>Export CSV…</source>
        <translation>Exportera CSV…</translation>
    </message>
    <message>
        <location filename="../../app/ui/window.py" line="445" />
        <source>Issues</source>
        <translation>Problem</translation>
    </message>
    <message>
        <location filename="../../app/ui/window.py" line="447" />
        <source>Object filter</source>
        <translation>Objektfilter</translation>
    </message>
    <message>
        <location filename="../../app/ui/window.py" line="448" />
        <source>Source filter</source>
        <translation>Källfilter</translation>
    </message>
    <message>
        <location filename="../../app/ui/window.py" line="449" />
        <source>State filter</source>
        <translation>Lägesfilter</translation>
    </message>
    <message>
        <location filename="../../app/ui/window.py" line="452" />
        <source>Search issues</source>
        <translation>Sök bland problem</translation>
    </message>
    <message>
        <location filename="../../app/ui/window.py" line="509" />
        <source>{shown} of {total} issues</source>
        <translation>{shown} av {total} problem</translation>
    </message>
    <message>
        <location filename="../../app/ui/window.py" line="511" />
        <source>{total} issues</source>
        <translation>{total} problem</translation>
    </message>
</context>
<context>
    <name>ReauthDialog</name>
    <message>
        <location filename="../../app/ui/dialogs.py" line="217" />
        <source>Sign in again</source>
        <translation>Logga in igen</translation>
    </message>
    <message>
        <location filename="../../app/ui/dialogs.py" line="221" />
        <source>&lt;b&gt;{account}&lt;/b&gt; needs you to sign in again.</source>
        <translation>&lt;b&gt;{account}&lt;/b&gt; behöver att du loggar in igen.</translation>
    </message>
    <message>
        <location filename="../../app/ui/dialogs.py" line="222" />
        <source>Your account</source>
        <translation>Ditt konto</translation>
    </message>
    <message>
        <location filename="../../app/ui/dialogs.py" line="231" />
        <source>https://mail.example.com/EWS/Exchange.asmx</source>
        <translation>https://mail.example.com/EWS/Exchange.asmx</translation>
    </message>
    <message>
        <location filename="../../app/ui/dialogs.py" line="232" />
        <source>Exchange (EWS) URL:</source>
        <translation>Exchange-adress (EWS):</translation>
    </message>
    <message>
        <location filename="../../app/ui/dialogs.py" line="239" />
        <source>Refresh</source>
        <translation>Uppdatera</translation>
    </message>
    <message>
        <location filename="../../app/ui/dialogs.py" line="240" />
        <source>Sign in again as {account}</source>
        <translation>Logga in igen som {account}</translation>
    </message>
    <message>
        <location filename="../../app/ui/dialogs.py" line="241" />
        <source>Change account…</source>
        <translation>Byt konto…</translation>
    </message>
    <message>
        <location filename="../../app/ui/dialogs.py" line="242" />
        <source>Advanced</source>
        <translation>Avancerat</translation>
    </message>
    <message>
        <location filename="../../app/ui/dialogs.py" line="245" />
        <source>Cancel</source>
        <translation>Avbryt</translation>
    </message>
    <message>
        <location filename="../../app/ui/dialogs.py" line="260" />
        <source>Waiting for you to finish signing in in your browser…</source>
        <translation>Väntar på att du loggar in klart i webbläsaren…</translation>
    </message>
    <message>
        <location filename="../../app/ui/dialogs.py" line="273" />
        <source>Sign-in did not finish: {error}</source>
        <translation>Inloggningen blev inte klar: {error}</translation>
    </message>
    <message>
        <location filename="../../app/ui/dialogs.py" line="275" />
        <source>Signed in as {account}.</source>
        <translation>Inloggad som {account}.</translation>
    </message>
</context>
<context>
    <name>SettingsTab</name>
    <message>
        <location filename="../../app/ui/settings_tab.py" line="57" />
        <source> minutes</source>
        <translation> minuter</translation>
    </message>
    <message>
        <location filename="../../app/ui/settings_tab.py" line="58" />
        <source>Sync every</source>
        <translation>Synka var</translation>
    </message>
    <message>
        <location filename="../../app/ui/settings_tab.py" line="59" />
        <source>Sync every:</source>
        <translation>Synka var:</translation>
    </message>
    <message>
        <location filename="../../app/ui/settings_tab.py" line="60" />
        <source>Mail among colleagues stays out of Salesforce</source>
        <translation>Post mellan kolleger hålls utanför Salesforce</translation>
    </message>
    <message>
        <location filename="../../app/ui/settings_tab.py" line="63" />
        <source>Do not mail</source>
        <translation>Kontakta inte</translation>
    </message>
    <message>
        <location filename="../../app/ui/settings_tab.py" line="64" />
        <source>Do not mail:</source>
        <translation>Kontakta inte:</translation>
    </message>
    <message>
        <location filename="../../app/ui/settings_tab.py" line="66" />
        <source>Shared addresses</source>
        <translation>Delade adresser</translation>
    </message>
    <message>
        <location filename="../../app/ui/settings_tab.py" line="67" />
        <source>Shared addresses:</source>
        <translation>Delade adresser:</translation>
    </message>
    <message>
        <location filename="../../app/ui/settings_tab.py" line="69" />
        <source>Accounts</source>
        <translation>Konton</translation>
    </message>
    <message>
        <location filename="../../app/ui/settings_tab.py" line="74" />
        <source>API allocation</source>
        <translation>API-andel</translation>
    </message>
    <message>
        <location filename="../../app/ui/settings_tab.py" line="75" />
        <source>Salesforce API allocation (share of the org's daily calls):</source>
        <translation>Salesforce API-andel (del av organisationens dagliga anrop):</translation>
    </message>
    <message>
        <location filename="../../app/ui/settings_tab.py" line="76" />
        <source>Change accounts…</source>
        <translation>Byt konton…</translation>
    </message>
    <message>
        <location filename="../../app/ui/settings_tab.py" line="79" />
        <source>When syncing stops</source>
        <translation>När synkningen stannar</translation>
    </message>
    <message>
        <location filename="../../app/ui/settings_tab.py" line="81" />
        <source>Email me when syncing has been stopped for</source>
        <translation>Mejla mig när synkningen har stått still i</translation>
    </message>
    <message>
        <location filename="../../app/ui/settings_tab.py" line="84" />
        <source> hours</source>
        <translation> timmar</translation>
    </message>
    <message>
        <location filename="../../app/ui/settings_tab.py" line="85" />
        <source>Email me after</source>
        <translation>Mejla mig efter</translation>
    </message>
    <message>
        <location filename="../../app/ui/settings_tab.py" line="93" />
        <source>Support address</source>
        <translation>Supportadress</translation>
    </message>
    <message>
        <location filename="../../app/ui/settings_tab.py" line="94" />
        <source>Support address:</source>
        <translation>Supportadress:</translation>
    </message>
    <message>
        <location filename="../../app/ui/settings_tab.py" line="96" />
        <source>Support page</source>
        <translation>Supportsida</translation>
    </message>
    <message>
        <location filename="../../app/ui/settings_tab.py" line="97" />
        <source>Support page:</source>
        <translation>Supportsida:</translation>
    </message>
    <message>
        <location filename="../../app/ui/settings_tab.py" line="99" />
        <source>Field mapping (mailbox field → Salesforce field)</source>
        <translation>Fältmappning (brevlådefält → Salesforce-fält)</translation>
    </message>
    <message>
        <location filename="../../app/ui/settings_tab.py" line="103" />
        <source>Object</source>
        <translation>Objekt</translation>
    </message>
    <message>
        <location filename="../../app/ui/settings_tab.py" line="103" />
        <source>Mailbox field</source>
        <translation>Brevlådefält</translation>
    </message>
    <message>
        <location filename="../../app/ui/settings_tab.py" line="103" />
        <source>Salesforce field</source>
        <translation>Salesforce-fält</translation>
    </message>
    <message>
        <location filename="../../app/ui/settings_tab.py" line="103" />
        <source>Type</source>
        <translation>Typ</translation>
    </message>
    <message>
        <location filename="../../app/ui/settings_tab.py" line="107" />
        <source>Field mapping</source>
        <translation>Fältmappning</translation>
    </message>
    <message>
        <location filename="../../app/ui/settings_tab.py" line="119" />
        <source>Check against Salesforce</source>
        <translation>Kontrollera mot Salesforce</translation>
    </message>
    <message>
        <location filename="../../app/ui/settings_tab.py" line="120" />
        <source>Restore defaults</source>
        <translation>Återställ standardvärden</translation>
    </message>
    <message>
        <location filename="../../app/ui/settings_tab.py" line="121" />
        <source>Save</source>
        <translation>Spara</translation>
    </message>
    <message>
        <location filename="../../app/ui/settings_tab.py" line="163" />
        <source>Sent to {address}, from your mailbox when Salesforce is what fails, through Salesforce when your mailbox is; once per problem, at most once a day.</source>
        <translation>Skickas till {address}, från din brevlåda när det är Salesforce som fallerar, via Salesforce när det är brevlådan; en gång per problem, högst en gång om dagen.</translation>
    </message>
    <message>
        <location filename="../../app/ui/settings_tab.py" line="165" />
        <source>your mailbox address</source>
        <translation>din brevlådeadress</translation>
    </message>
    <message>
        <location filename="../../app/ui/settings_tab.py" line="230" />
        <source>Set up the Salesforce account first.</source>
        <translation>Konfigurera Salesforce-kontot först.</translation>
    </message>
    <message>
        <location filename="../../app/ui/settings_tab.py" line="234" />
        <source>Reading the fields of your Salesforce org…</source>
        <translation>Läser fälten i din Salesforce-organisation…</translation>
    </message>
    <message>
        <location filename="../../app/ui/settings_tab.py" line="253" />
        <source>Could not read the org's fields: {error}</source>
        <translation>Kunde inte läsa organisationens fält: {error}</translation>
    </message>
    <message>
        <location filename="../../app/ui/settings_tab.py" line="256" />
        <source>Every mapped field exists in Salesforce and takes these values.</source>
        <translation>Alla mappade fält finns i Salesforce och tar emot de här värdena.</translation>
    </message>
</context>
<context>
    <name>SettingsWindow</name>
    <message>
        <location filename="../../app/ui/window.py" line="615" />
        <source>Syncbar — Sync Settings</source>
        <translation>Syncbar — Synkinställningar</translation>
    </message>
    <message>
        <location filename="../../app/ui/window.py" line="619" />
        <source>General</source>
        <translation>Allmänt</translation>
    </message>
    <message>
        <location filename="../../app/ui/window.py" line="620" />
        <source>Issues</source>
        <translation>Problem</translation>
    </message>
    <message>
        <location filename="../../app/ui/window.py" line="624" />
        <source>Settings</source>
        <translation>Inställningar</translation>
    </message>
</context>
<context>
    <name>SetupDialog</name>
    <message>
        <location filename="../../app/ui/setup_dialog.py" line="55" />
        <source>Set up Syncbar</source>
        <translation>Konfigurera Syncbar</translation>
    </message>
    <message>
        <location filename="../../app/ui/setup_dialog.py" line="68" />
        <source>Syncbar logs your mail, meetings and contacts to Salesforce. Pick your mailbox, sign in to it and to Salesforce in your browser, and choose what to sync.</source>
        <translation>Syncbar loggar din e-post, dina möten och kontakter i Salesforce. Välj brevlåda, logga in i den och i Salesforce i webbläsaren, och välj vad som ska synkas.</translation>
    </message>
    <message>
        <location filename="../../app/ui/setup_dialog.py" line="73" />
        <source>Mailbox</source>
        <translation>Brevlåda</translation>
    </message>
    <message>
        <location filename="../../app/ui/setup_dialog.py" line="78" />
        <source>Microsoft 365 (Outlook)</source>
        <translation>Microsoft 365 (Outlook)</translation>
    </message>
    <message>
        <location filename="../../app/ui/setup_dialog.py" line="79" />
        <source>Exchange Server</source>
        <translation>Exchange Server</translation>
    </message>
    <message>
        <location filename="../../app/ui/setup_dialog.py" line="80" />
        <source>Gmail / Google Workspace</source>
        <translation>Gmail / Google Workspace</translation>
    </message>
    <message>
        <location filename="../../app/ui/setup_dialog.py" line="91" />
        <source>you@company.com</source>
        <translation>du@foretag.se</translation>
    </message>
    <message>
        <location filename="../../app/ui/setup_dialog.py" line="98" />
        <source>https://mail.company.com/EWS/Exchange.asmx (empty: find it automatically)</source>
        <translation>https://mail.foretag.se/EWS/Exchange.asmx (tomt: hitta den automatiskt)</translation>
    </message>
    <message>
        <location filename="../../app/ui/setup_dialog.py" line="101" />
        <source>Address:</source>
        <translation>Adress:</translation>
    </message>
    <message>
        <location filename="../../app/ui/setup_dialog.py" line="102" />
        <source>User name:</source>
        <translation>Användarnamn:</translation>
    </message>
    <message>
        <location filename="../../app/ui/setup_dialog.py" line="103" />
        <source>Password:</source>
        <translation>Lösenord:</translation>
    </message>
    <message>
        <location filename="../../app/ui/setup_dialog.py" line="104" />
        <source>EWS URL:</source>
        <translation>EWS-adress:</translation>
    </message>
    <message>
        <location filename="../../app/ui/setup_dialog.py" line="110" />
        <source>Salesforce</source>
        <translation>Salesforce</translation>
    </message>
    <message>
        <location filename="../../app/ui/setup_dialog.py" line="114" />
        <source>Production</source>
        <translation>Produktion</translation>
    </message>
    <message>
        <location filename="../../app/ui/setup_dialog.py" line="115" />
        <source>Sandbox</source>
        <translation>Sandlåda</translation>
    </message>
    <message>
        <location filename="../../app/ui/setup_dialog.py" line="116" />
        <source>Custom domain…</source>
        <translation>Egen domän…</translation>
    </message>
    <message>
        <location filename="../../app/ui/setup_dialog.py" line="121" />
        <source>https://mycompany.my.salesforce.com</source>
        <translation>https://foretag.my.salesforce.com</translation>
    </message>
    <message>
        <location filename="../../app/ui/setup_dialog.py" line="122" />
        <source>Org:</source>
        <translation>Organisation:</translation>
    </message>
    <message>
        <location filename="../../app/ui/setup_dialog.py" line="123" />
        <source>Domain:</source>
        <translation>Domän:</translation>
    </message>
    <message>
        <location filename="../../app/ui/setup_dialog.py" line="124" />
        <source>Salesforce org</source>
        <translation>Salesforce-organisation</translation>
    </message>
    <message>
        <location filename="../../app/ui/setup_dialog.py" line="125" />
        <source>Salesforce custom domain</source>
        <translation>Egen Salesforce-domän</translation>
    </message>
    <message>
        <location filename="../../app/ui/setup_dialog.py" line="142" />
        <source>Sign in and start</source>
        <translation>Logga in och starta</translation>
    </message>
    <message>
        <location filename="../../app/ui/setup_dialog.py" line="143" />
        <source>Cancel</source>
        <translation>Avbryt</translation>
    </message>
    <message>
        <location filename="../../app/ui/setup_dialog.py" line="185" />
        <source>Exchange needs your mailbox password.</source>
        <translation>Exchange behöver lösenordet till din brevlåda.</translation>
    </message>
    <message>
        <location filename="../../app/ui/setup_dialog.py" line="189" />
        <source>Sign in to Salesforce, then to your mailbox, in the browser windows that open…</source>
        <translation>Logga in i Salesforce och sedan i din brevlåda i webbläsarfönstren som öppnas…</translation>
    </message>
    <message>
        <location filename="../../app/ui/setup_dialog.py" line="212" />
        <source>Setup did not finish: {error}</source>
        <translation>Konfigurationen blev inte klar: {error}</translation>
    </message>
    <message>
        <location filename="../../app/ui/setup_dialog.py" line="216" />
        <source>Signed in as {mailbox} and {crm}.</source>
        <translation>Inloggad som {mailbox} och {crm}.</translation>
    </message>
</context>
<context>
    <name>Startup</name>
    <message>
        <location filename="../../app/ui/startup.py" line="72" />
        <source>Syncbar's settings cannot be used</source>
        <translation>Syncbars inställningar kan inte användas</translation>
    </message>
    <message>
        <location filename="../../app/ui/startup.py" line="73" />
        <source>The settings file (profile.json) has a value Syncbar cannot use. Fix it in the file, or start the setup again: the old file is kept beside the new one, and your sync history stays.</source>
        <translation>Inställningsfilen (profile.json) har ett värde som Syncbar inte kan använda. Rätta det i filen, eller gör inställningen igen: den gamla filen sparas bredvid den nya, och din synkhistorik finns kvar.</translation>
    </message>
    <message>
        <location filename="../../app/ui/startup.py" line="80" />
        <source>Start setup again</source>
        <translation>Gör inställningen igen</translation>
    </message>
    <message>
        <location filename="../../app/ui/startup.py" line="81" />
        <location filename="../../app/ui/startup.py" line="102" />
        <location filename="../../app/ui/startup.py" line="110" />
        <source>Open the folder</source>
        <translation>Öppna mappen</translation>
    </message>
    <message>
        <location filename="../../app/ui/startup.py" line="101" />
        <source>Start fresh</source>
        <translation>Börja om</translation>
    </message>
    <message>
        <location filename="../../app/ui/startup.py" line="117" />
        <source>Open the log folder</source>
        <translation>Öppna loggmappen</translation>
    </message>
    <message>
        <location filename="../../app/ui/startup.py" line="130" />
        <source>Quit</source>
        <translation>Avsluta</translation>
    </message>
</context>
<context>
    <name>SupportDialog</name>
    <message>
        <location filename="../../app/ui/dialogs.py" line="307" />
        <source>Chat with support</source>
        <translation>Chatta med supporten</translation>
    </message>
    <message>
        <location filename="../../app/ui/dialogs.py" line="344" />
        <source>Keep addresses and subjects (helps support find the item)</source>
        <translation>Behåll adresser och ämnen (hjälper supporten att hitta objektet)</translation>
    </message>
    <message>
        <location filename="../../app/ui/dialogs.py" line="319" />
        <source>Send goes to {address} from your mailbox ({sender}), with the report attached.</source>
        <translation>Skicka går till {address} från din brevlåda ({sender}), med rapporten bifogad.</translation>
    </message>
    <message>
        <location filename="../../app/ui/dialogs.py" line="320" />
        <source>your mailbox</source>
        <translation>din brevlåda</translation>
    </message>
    <message>
        <location filename="../../app/ui/dialogs.py" line="327" />
        <source>Support page</source>
        <translation>Supportsida</translation>
    </message>
    <message>
        <location filename="../../app/ui/dialogs.py" line="328" />
        <source>Support page:</source>
        <translation>Supportsida:</translation>
    </message>
    <message>
        <location filename="../../app/ui/dialogs.py" line="330" />
        <location filename="../../app/ui/dialogs.py" line="333" />
        <source>What happened?</source>
        <translation>Vad hände?</translation>
    </message>
    <message>
        <location filename="../../app/ui/dialogs.py" line="332" />
        <source>What were you doing, and what went wrong?</source>
        <translation>Vad gjorde du, och vad gick fel?</translation>
    </message>
    <message>
        <location filename="../../app/ui/dialogs.py" line="339" />
        <source>Tokens and passwords are always removed; addresses, subjects and message text are removed too unless you keep them below.</source>
        <translation>Token och lösenord tas alltid bort; adresser, ämnesrader och meddelandetext tas också bort om du inte behåller dem nedan.</translation>
    </message>
    <message>
        <location filename="../../app/ui/dialogs.py" line="349" />
        <source>Files in the report</source>
        <translation>Filer i rapporten</translation>
    </message>
    <message>
        <location filename="../../app/ui/dialogs.py" line="355" />
        <source>Screenshot</source>
        <translation>Skärmbild</translation>
    </message>
    <message>
        <location filename="../../app/ui/dialogs.py" line="366" />
        <source>Save to file</source>
        <translation>Spara till fil</translation>
    </message>
    <message>
        <location filename="../../app/ui/dialogs.py" line="367" />
        <source>Send</source>
        <translation>Skicka</translation>
    </message>
    <message>
        <location filename="../../app/ui/dialogs.py" line="382" />
        <source>{name} ({size} bytes)</source>
        <translation>{name} ({size} byte)</translation>
    </message>
    <message>
        <location filename="../../app/ui/dialogs.py" line="408" />
        <source>Could not save the report: {error}. Nothing was sent.</source>
        <translation>Kunde inte spara rapporten: {error}. Inget skickades.</translation>
    </message>
    <message>
        <location filename="../../app/ui/dialogs.py" line="418" />
        <source>Saved {path}.</source>
        <translation>Sparade {path}.</translation>
    </message>
    <message>
        <location filename="../../app/ui/dialogs.py" line="427" />
        <source>Sending the report to {address}…</source>
        <translation>Skickar rapporten till {address}…</translation>
    </message>
    <message>
        <location filename="../../app/ui/dialogs.py" line="446" />
        <source>Sent to {address}. A copy is in your Sent Items and saved as {path}.</source>
        <translation>Skickad till {address}. En kopia finns i Skickat och är sparad som {path}.</translation>
    </message>
    <message>
        <location filename="../../app/ui/dialogs.py" line="440" />
        <source>Not sent: {problem}. The report is saved as {path}; try again later.</source>
        <translation>Inte skickad: {problem}. Rapporten är sparad som {path}; försök igen senare.</translation>
    </message>
    <message>
        <location filename="../../app/ui/dialogs.py" line="450" />
        <source>Done</source>
        <translation>Klar</translation>
    </message>
</context>
<context>
    <name>Tray</name>
    <message>
        <location filename="../../app/ui/tray.py" line="46" />
        <source>Sign in again</source>
        <translation>Logga in igen</translation>
    </message>
    <message>
        <location filename="../../app/ui/tray.py" line="46" />
        <source>{title}{who}. Click here to sign in again; syncing waits until then.</source>
        <translation>{title}{who}. Klicka här för att logga in igen; synkningen väntar tills dess.</translation>
    </message>
    <message>
        <location filename="../../app/ui/tray.py" line="51" />
        <source>{title}{who}. Syncbar waits until {time} and then goes on by itself.</source>
        <translation>{title}{who}. Syncbar väntar till {time} och fortsätter sedan av sig självt.</translation>
    </message>
    <message>
        <location filename="../../app/ui/tray.py" line="54" />
        <location filename="../../app/ui/tray.py" line="57" />
        <location filename="../../app/ui/tray.py" line="62" />
        <source>Sync on hold</source>
        <translation>Synkningen väntar</translation>
    </message>
    <message>
        <location filename="../../app/ui/tray.py" line="57" />
        <location filename="../../app/ui/tray.py" line="62" />
        <source>{title}{who}. Syncbar waits and then goes on by itself.</source>
        <translation>{title}{who}. Syncbar väntar och fortsätter sedan av sig självt.</translation>
    </message>
    <message>
        <location filename="../../app/ui/tray.py" line="66" />
        <source>Sync keeps failing</source>
        <translation>Synkningen misslyckas gång på gång</translation>
    </message>
    <message>
        <location filename="../../app/ui/tray.py" line="66" />
        <source>Syncing has been stopped for a while: {title}. We emailed you about it. {fix}</source>
        <translation>Synkningen har stått still en tid: {title}. Vi har mejlat dig om det. {fix}</translation>
    </message>
    <message>
        <location filename="../../app/ui/tray.py" line="70" />
        <source>Sync is working again</source>
        <translation>Synkningen fungerar igen</translation>
    </message>
    <message>
        <location filename="../../app/ui/tray.py" line="70" />
        <source>The last sync went through.</source>
        <translation>Den senaste synkningen gick igenom.</translation>
    </message>
    <message>
        <location filename="../../app/ui/tray.py" line="74" />
        <source>Another sync tool found</source>
        <translation>Ett annat synkverktyg hittades</translation>
    </message>
    <message>
        <location filename="../../app/ui/tray.py" line="76" />
        <source>various problems</source>
        <translation>olika problem</translation>
    </message>
    <message>
        <location filename="../../app/ui/tray.py" line="77" />
        <source>Items could not sync</source>
        <translation>Objekt kunde inte synkas</translation>
    </message>
    <message>
        <location filename="../../app/ui/tray.py" line="77" />
        <source>{n} item(s): {what}. Click to see them in the Issues tab.</source>
        <translation>{n} objekt: {what}. Klicka för att se dem på fliken Problem.</translation>
    </message>
    <message>
        <location filename="../../app/ui/tray.py" line="81" />
        <source>Sync error</source>
        <translation>Synkfel</translation>
    </message>
    <message>
        <location filename="../../app/ui/tray.py" line="81" />
        <source>{title}{who}. {fix}</source>
        <translation>{title}{who}. {fix}</translation>
    </message>
    <message>
        <location filename="../../app/ui/tray.py" line="84" />
        <source>Something needs your attention.</source>
        <translation>Något behöver din uppmärksamhet.</translation>
    </message>
    <message>
        <location filename="../../app/ui/tray.py" line="101" />
        <source>Sync now</source>
        <translation>Synka nu</translation>
    </message>
    <message>
        <location filename="../../app/ui/tray.py" line="102" />
        <location filename="../../app/ui/tray.py" line="136" />
        <source>Pause</source>
        <translation>Pausa</translation>
    </message>
    <message>
        <location filename="../../app/ui/tray.py" line="103" />
        <source>Open Sync Settings</source>
        <translation>Öppna synkinställningar</translation>
    </message>
    <message>
        <location filename="../../app/ui/tray.py" line="104" />
        <source>Quit Syncbar</source>
        <translation>Avsluta Syncbar</translation>
    </message>
    <message>
        <location filename="../../app/ui/tray.py" line="136" />
        <source>Resume</source>
        <translation>Återuppta</translation>
    </message>
</context>
</TS>
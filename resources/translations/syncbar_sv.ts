<?xml version='1.0' encoding='utf-8'?>
<TS version="2.1" language="sv_SE">
<context>
    <name>ChoicesBox</name>
    <message>
        <location filename="../../app/ui/choices_box.py" line="29" />
        <source>What to sync</source>
        <translation>Vad som ska synkas</translation>
    </message>
    <message>
        <location filename="../../app/ui/choices_box.py" line="33" />
        <source>Emails</source>
        <translation>E-post</translation>
    </message>
    <message>
        <location filename="../../app/ui/choices_box.py" line="34" />
        <source>Events</source>
        <translation>Möten</translation>
    </message>
    <message>
        <location filename="../../app/ui/choices_box.py" line="35" />
        <source>Contacts</source>
        <translation>Kontakter</translation>
    </message>
    <message>
        <location filename="../../app/ui/choices_box.py" line="36" />
        <source>Tasks</source>
        <translation>Uppgifter</translation>
    </message>
    <message>
        <location filename="../../app/ui/choices_box.py" line="55" />
        <source> days</source>
        <translation> dagar</translation>
    </message>
    <message>
        <location filename="../../app/ui/choices_box.py" line="56" />
        <source>History to sync</source>
        <translation>Historik att synka</translation>
    </message>
    <message>
        <location filename="../../app/ui/choices_box.py" line="57" />
        <source>Also sync the last:</source>
        <translation>Synka även de senaste:</translation>
    </message>
    <message>
        <location filename="../../app/ui/choices_box.py" line="59" />
        <source>company.com, company.de</source>
        <translation>foretag.se, foretag.de</translation>
    </message>
    <message>
        <location filename="../../app/ui/choices_box.py" line="60" />
        <source>Internal domains</source>
        <translation>Interna domäner</translation>
    </message>
    <message>
        <location filename="../../app/ui/choices_box.py" line="61" />
        <source>Internal domains:</source>
        <translation>Interna domäner:</translation>
    </message>
    <message>
        <location filename="../../app/ui/choices_box.py" line="63" />
        <source>addresses or @domains never to log, comma separated</source>
        <translation>adresser eller @domäner som aldrig loggas, kommaseparerade</translation>
    </message>
    <message>
        <location filename="../../app/ui/choices_box.py" line="64" />
        <source>Never log</source>
        <translation>Logga aldrig</translation>
    </message>
    <message>
        <location filename="../../app/ui/choices_box.py" line="65" />
        <source>Never log:</source>
        <translation>Logga aldrig:</translation>
    </message>
    <message>
        <location filename="../../app/ui/choices_box.py" line="79" />
        <source>Contacts are not synced from Gmail: Google keeps them in Google Contacts, which Syncbar does not read.</source>
        <translation>Kontakter synkas inte från Gmail: Google sparar dem i Google Kontakter, som Syncbar inte läser.</translation>
    </message>
    <message>
        <location filename="../../app/ui/choices_box.py" line="81" />
        <source>{what} cannot be synced from this kind of mailbox.</source>
        <translation>{what} kan inte synkas från den här sortens postlåda.</translation>
    </message>
</context>
<context>
    <name>CycleProcess</name>
    <message>
        <location filename="../../app/ui/sync_process.py" line="170" />
        <source>The sync process could not start: {error}</source>
        <translation>Synkprocessen kunde inte starta: {error}</translation>
    </message>
    <message>
        <location filename="../../app/ui/sync_process.py" line="183" />
        <source>The sync process stopped unexpectedly ({detail}). Nothing is lost: the next sync goes on from where it stopped.</source>
        <translation>Synkprocessen avbröts oväntat ({detail}). Inget har gått förlorat: nästa synkning fortsätter där den slutade.</translation>
    </message>
</context>
<context>
    <name>DesktopApp</name>
    <message>
        <location filename="../../app/ui/app.py" line="203" />
        <source>Could not save the settings: {error}</source>
        <translation>Kunde inte spara inställningarna: {error}</translation>
    </message>
    <message>
        <location filename="../../app/ui/app.py" line="219" />
        <source>Other sync software</source>
        <translation>Annan synkprogramvara</translation>
    </message>
    <message>
        <location filename="../../app/ui/app.py" line="236" />
        <source>Could not open the settings: {error}</source>
        <translation>Kunde inte öppna inställningarna: {error}</translation>
    </message>
    <message>
        <location filename="../../app/ui/app.py" line="280" />
        <source>Sync error</source>
        <translation>Synkfel</translation>
    </message>
    <message>
        <location filename="../../app/ui/app.py" line="466" />
        <source>Could not change “Start at login”: {error}</source>
        <translation>Kunde inte ändra ”Starta vid inloggning”: {error}</translation>
    </message>
    <message>
        <location filename="../../app/ui/app.py" line="473" />
        <source>Finishing the current step of the sync…</source>
        <translation>Avslutar det pågående steget i synkningen…</translation>
    </message>
</context>
<context>
    <name>DetailsDialog</name>
    <message>
        <location filename="../../app/ui/dialogs.py" line="38" />
        <source>You</source>
        <translation>Du</translation>
    </message>
    <message>
        <location filename="../../app/ui/dialogs.py" line="39" />
        <source>Your Salesforce administrator</source>
        <translation>Din Salesforce-administratör</translation>
    </message>
    <message>
        <location filename="../../app/ui/dialogs.py" line="40" />
        <source>Your mailbox (Microsoft 365, Exchange or Google) administrator</source>
        <translation>Administratören för din brevlåda (Microsoft 365, Exchange eller Google)</translation>
    </message>
    <message>
        <location filename="../../app/ui/dialogs.py" line="43" />
        <source>Syncbar support</source>
        <translation>Syncbars support</translation>
    </message>
    <message>
        <location filename="../../app/ui/dialogs.py" line="46" />
        <source>Sign in again…</source>
        <translation>Logga in igen…</translation>
    </message>
    <message>
        <location filename="../../app/ui/dialogs.py" line="47" />
        <source>Sync now</source>
        <translation>Synka nu</translation>
    </message>
    <message>
        <location filename="../../app/ui/dialogs.py" line="48" />
        <location filename="../../app/ui/dialogs.py" line="49" />
        <source>Retry now</source>
        <translation>Försök igen nu</translation>
    </message>
    <message>
        <location filename="../../app/ui/dialogs.py" line="50" />
        <source>Chat with support…</source>
        <translation>Chatta med supporten…</translation>
    </message>
    <message>
        <location filename="../../app/ui/dialogs.py" line="73" />
        <source>Sync error details — {code}</source>
        <translation>Detaljer om synkfelet — {code}</translation>
    </message>
    <message>
        <location filename="../../app/ui/dialogs.py" line="76" />
        <source>Problem:</source>
        <translation>Problem:</translation>
    </message>
    <message>
        <location filename="../../app/ui/dialogs.py" line="77" />
        <source>Code:</source>
        <translation>Kod:</translation>
    </message>
    <message>
        <location filename="../../app/ui/dialogs.py" line="79" />
        <source>Item:</source>
        <translation>Objekt:</translation>
    </message>
    <message>
        <location filename="../../app/ui/dialogs.py" line="81" />
        <source>Account:</source>
        <translation>Konto:</translation>
    </message>
    <message>
        <location filename="../../app/ui/dialogs.py" line="82" />
        <source>Description:</source>
        <translation>Beskrivning:</translation>
    </message>
    <message>
        <location filename="../../app/ui/dialogs.py" line="84" />
        <source>The service said:</source>
        <translation>Tjänsten svarade:</translation>
    </message>
    <message>
        <location filename="../../app/ui/dialogs.py" line="85" />
        <source>What to do:</source>
        <translation>Gör så här:</translation>
    </message>
    <message>
        <location filename="../../app/ui/dialogs.py" line="87" />
        <source>Who can fix it:</source>
        <translation>Vem kan åtgärda det:</translation>
    </message>
    <message>
        <location filename="../../app/ui/dialogs.py" line="99" />
        <source>Open Salesforce Setup</source>
        <translation>Öppna Salesforce-inställningar</translation>
    </message>
</context>
<context>
    <name>GeneralTab</name>
    <message>
        <location filename="../../app/ui/window.py" line="116" />
        <source>Sign in again…</source>
        <translation>Logga in igen…</translation>
    </message>
    <message>
        <location filename="../../app/ui/window.py" line="137" />
        <source>Sync now</source>
        <translation>Synka nu</translation>
    </message>
    <message>
        <location filename="../../app/ui/window.py" line="138" />
        <source>Pause</source>
        <translation>Pausa</translation>
    </message>
    <message>
        <location filename="../../app/ui/window.py" line="139" />
        <source>Set up accounts…</source>
        <translation>Konfigurera konton…</translation>
    </message>
    <message>
        <location filename="../../app/ui/window.py" line="147" />
        <source>Current sync error</source>
        <translation>Aktuellt synkfel</translation>
    </message>
    <message>
        <location filename="../../app/ui/window.py" line="151" />
        <source>Show details</source>
        <translation>Visa detaljer</translation>
    </message>
    <message>
        <location filename="../../app/ui/window.py" line="157" />
        <location filename="../../app/ui/window.py" line="225" />
        <source>Last session details</source>
        <translation>Senaste synkningen</translation>
    </message>
    <message>
        <location filename="../../app/ui/window.py" line="160" />
        <location filename="../../app/ui/window.py" line="287" />
        <source>No session yet</source>
        <translation>Ingen synkning än</translation>
    </message>
    <message>
        <location filename="../../app/ui/window.py" line="161" />
        <source>Refresh</source>
        <translation>Uppdatera</translation>
    </message>
    <message>
        <location filename="../../app/ui/window.py" line="168" />
        <location filename="../../app/ui/window.py" line="194" />
        <source>Object</source>
        <translation>Objekt</translation>
    </message>
    <message>
        <location filename="../../app/ui/window.py" line="169" />
        <source>New</source>
        <translation>Nya</translation>
    </message>
    <message>
        <location filename="../../app/ui/window.py" line="170" />
        <location filename="../../app/ui/window.py" line="196" />
        <source>Updated</source>
        <translation>Uppdaterade</translation>
    </message>
    <message>
        <location filename="../../app/ui/window.py" line="171" />
        <source>Duplicate</source>
        <translation>Dubbletter</translation>
    </message>
    <message>
        <location filename="../../app/ui/window.py" line="172" />
        <source>Ignored</source>
        <translation>Ignorerade</translation>
    </message>
    <message>
        <location filename="../../app/ui/window.py" line="173" />
        <location filename="../../app/ui/window.py" line="197" />
        <source>Failed</source>
        <translation>Misslyckade</translation>
    </message>
    <message>
        <location filename="../../app/ui/window.py" line="185" />
        <source>Sync history (last 7 days)</source>
        <translation>Synkhistorik (senaste 7 dagarna)</translation>
    </message>
    <message>
        <location filename="../../app/ui/window.py" line="192" />
        <source>Date</source>
        <translation>Datum</translation>
    </message>
    <message>
        <location filename="../../app/ui/window.py" line="193" />
        <source>Direction</source>
        <translation>Riktning</translation>
    </message>
    <message>
        <location filename="../../app/ui/window.py" line="195" />
        <source>Added</source>
        <translation>Tillagda</translation>
    </message>
    <message>
        <location filename="../../app/ui/window.py" line="209" />
        <source>Start at login</source>
        <translation>Starta vid inloggning</translation>
    </message>
    <message>
        <location filename="../../app/ui/window.py" line="212" />
        <source>Notify me the first time</source>
        <translation>Meddela mig första gången</translation>
    </message>
    <message>
        <location filename="../../app/ui/window.py" line="213" />
        <source>Notify me every time</source>
        <translation>Meddela mig varje gång</translation>
    </message>
    <message>
        <location filename="../../app/ui/window.py" line="214" />
        <source>Never notify me</source>
        <translation>Meddela mig aldrig</translation>
    </message>
    <message>
        <location filename="../../app/ui/window.py" line="219" />
        <source>Notifications:</source>
        <translation>Aviseringar:</translation>
    </message>
    <message>
        <location filename="../../app/ui/window.py" line="223" />
        <source>Sync status</source>
        <translation>Synkstatus</translation>
    </message>
    <message>
        <location filename="../../app/ui/window.py" line="224" />
        <source>Sync state icon</source>
        <translation>Ikon för synkläge</translation>
    </message>
    <message>
        <location filename="../../app/ui/window.py" line="226" />
        <source>Sync history</source>
        <translation>Synkhistorik</translation>
    </message>
    <message>
        <location filename="../../app/ui/window.py" line="227" />
        <source>Sync history chart</source>
        <translation>Diagram över synkhistorik</translation>
    </message>
    <message>
        <location filename="../../app/ui/window.py" line="228" />
        <source>Notifications</source>
        <translation>Aviseringar</translation>
    </message>
    <message>
        <location filename="../../app/ui/window.py" line="230" />
        <source>Sync now (F5)</source>
        <translation>Synka nu (F5)</translation>
    </message>
    <message>
        <location filename="../../app/ui/window.py" line="249" />
        <source>Mailbox: {mailbox}    Salesforce: {crm}</source>
        <translation>Brevlåda: {mailbox}    Salesforce: {crm}</translation>
    </message>
    <message>
        <location filename="../../app/ui/window.py" line="256" />
        <source>No account is set up yet. Click “Set up accounts…”, or run “syncbar demo” to try Syncbar first.</source>
        <translation>Inget konto är konfigurerat än. Klicka på ”Konfigurera konton…”, eller kör ”syncbar demo” för att prova Syncbar först.</translation>
    </message>
    <message>
        <location filename="../../app/ui/window.py" line="261" />
        <source>Resume</source>
        <translation>Återuppta</translation>
    </message>
    <message>
        <location filename="../../app/ui/window.py" line="267" />
        <source>Next sync: {time}</source>
        <translation>Nästa synkning: {time}</translation>
    </message>
    <message>
        <location filename="../../app/ui/window.py" line="278" />
        <source>&lt;b&gt;{account}&lt;/b&gt; needs you to sign in again. Syncing is on hold until then.</source>
        <translation>&lt;b&gt;{account}&lt;/b&gt; behöver att du loggar in igen. Synkningen väntar tills dess.</translation>
    </message>
    <message>
        <location filename="../../app/ui/window.py" line="279" />
        <source>An account</source>
        <translation>Ett konto</translation>
    </message>
    <message>
        <location filename="../../app/ui/window.py" line="293" />
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
        <location filename="../../app/ui/window.py" line="359" />
        <source>All objects</source>
        <translation>Alla objekt</translation>
    </message>
    <message>
        <location filename="../../app/ui/window.py" line="364" />
        <source>All sources</source>
        <translation>Alla källor</translation>
    </message>
    <message>
        <location filename="../../app/ui/window.py" line="369" />
        <source>Open</source>
        <translation>Öppna</translation>
    </message>
    <message>
        <location filename="../../app/ui/window.py" line="370" />
        <source>All states</source>
        <translation>Alla lägen</translation>
    </message>
    <message>
        <location filename="../../app/ui/window.py" line="371" />
        <source>Resolved</source>
        <translation>Lösta</translation>
    </message>
    <message>
        <location filename="../../app/ui/window.py" line="372" />
        <source>Ignored</source>
        <translation>Ignorerade</translation>
    </message>
    <message>
        <location filename="../../app/ui/window.py" line="376" />
        <source>Search item, code or message</source>
        <translation>Sök objekt, kod eller meddelande</translation>
    </message>
    <message>
        <location filename="../../app/ui/window.py" line="380" />
        <source>Actions for the selected issues (or right-click a row)</source>
        <translation>Åtgärder för de markerade problemen (eller högerklicka på en rad)</translation>
    </message>
    <message>
        <location filename="../../app/ui/window.py" line="381" />
        <source>Actions</source>
        <translation>Åtgärder</translation>
    </message>
    <message>
        <location filename="../../app/ui/window.py" line="384" />
        <source>Retry now</source>
        <translation>Försök igen nu</translation>
    </message>
    <message>
        <location filename="../../app/ui/window.py" line="385" />
        <source>Ignore item</source>
        <translation>Ignorera objektet</translation>
    </message>
    <message>
        <location filename="../../app/ui/window.py" line="386" />
        <source>Copy details</source>
        <translation>Kopiera detaljer</translation>
    </message>
    <message>
        <location filename="../../app/ui/window.py" line="387" />
        <source>Show details</source>
        <translation>Visa detaljer</translation>
    </message>
    <message>
        <location filename="../../app/ui/window.py" line="389" />
        <source>Chat with support…</source>
        <translation>Chatta med supporten…</translation>
    </message>
    <message>
        <location filename="../../app/ui/window.py" line="391" />
        <source>Export CSV…</source>
        <translation>Exportera CSV…</translation>
    </message>
    <message>
        <location filename="../../app/ui/window.py" line="426" />
        <source>Issues</source>
        <translation>Problem</translation>
    </message>
    <message>
        <location filename="../../app/ui/window.py" line="428" />
        <source>Object filter</source>
        <translation>Objektfilter</translation>
    </message>
    <message>
        <location filename="../../app/ui/window.py" line="429" />
        <source>Source filter</source>
        <translation>Källfilter</translation>
    </message>
    <message>
        <location filename="../../app/ui/window.py" line="430" />
        <source>State filter</source>
        <translation>Lägesfilter</translation>
    </message>
    <message>
        <location filename="../../app/ui/window.py" line="433" />
        <source>Search issues</source>
        <translation>Sök bland problem</translation>
    </message>
    <message>
        <location filename="../../app/ui/window.py" line="490" />
        <source>{shown} of {total} issues</source>
        <translation>{shown} av {total} problem</translation>
    </message>
    <message>
        <location filename="../../app/ui/window.py" line="492" />
        <source>{total} issues</source>
        <translation>{total} problem</translation>
    </message>
</context>
<context>
    <name>ReauthDialog</name>
    <message>
        <location filename="../../app/ui/dialogs.py" line="134" />
        <source>Sign in again</source>
        <translation>Logga in igen</translation>
    </message>
    <message>
        <location filename="../../app/ui/dialogs.py" line="138" />
        <source>&lt;b&gt;{account}&lt;/b&gt; needs you to sign in again.</source>
        <translation>&lt;b&gt;{account}&lt;/b&gt; behöver att du loggar in igen.</translation>
    </message>
    <message>
        <location filename="../../app/ui/dialogs.py" line="139" />
        <source>Your account</source>
        <translation>Ditt konto</translation>
    </message>
    <message>
        <location filename="../../app/ui/dialogs.py" line="148" />
        <source>https://mail.example.com/EWS/Exchange.asmx</source>
        <translation>https://mail.example.com/EWS/Exchange.asmx</translation>
    </message>
    <message>
        <location filename="../../app/ui/dialogs.py" line="149" />
        <source>Exchange (EWS) URL:</source>
        <translation>Exchange-adress (EWS):</translation>
    </message>
    <message>
        <location filename="../../app/ui/dialogs.py" line="156" />
        <source>Refresh</source>
        <translation>Uppdatera</translation>
    </message>
    <message>
        <location filename="../../app/ui/dialogs.py" line="157" />
        <source>Sign in again as {account}</source>
        <translation>Logga in igen som {account}</translation>
    </message>
    <message>
        <location filename="../../app/ui/dialogs.py" line="158" />
        <source>Change account…</source>
        <translation>Byt konto…</translation>
    </message>
    <message>
        <location filename="../../app/ui/dialogs.py" line="159" />
        <source>Advanced</source>
        <translation>Avancerat</translation>
    </message>
    <message>
        <location filename="../../app/ui/dialogs.py" line="162" />
        <source>Cancel</source>
        <translation>Avbryt</translation>
    </message>
    <message>
        <location filename="../../app/ui/dialogs.py" line="179" />
        <source>Waiting for you to finish signing in in your browser…</source>
        <translation>Väntar på att du loggar in klart i webbläsaren…</translation>
    </message>
    <message>
        <location filename="../../app/ui/dialogs.py" line="197" />
        <source>Sign-in did not finish: {error}</source>
        <translation>Inloggningen blev inte klar: {error}</translation>
    </message>
    <message>
        <location filename="../../app/ui/dialogs.py" line="199" />
        <source>Signed in as {account}.</source>
        <translation>Inloggad som {account}.</translation>
    </message>
</context>
<context>
    <name>SettingsTab</name>
    <message>
        <location filename="../../app/ui/settings_tab.py" line="61" />
        <source> minutes</source>
        <translation> minuter</translation>
    </message>
    <message>
        <location filename="../../app/ui/settings_tab.py" line="62" />
        <source>Sync every</source>
        <translation>Synka var</translation>
    </message>
    <message>
        <location filename="../../app/ui/settings_tab.py" line="63" />
        <source>Sync every:</source>
        <translation>Synka var:</translation>
    </message>
    <message>
        <location filename="../../app/ui/settings_tab.py" line="64" />
        <source>Mail among colleagues stays out of Salesforce</source>
        <translation>Post mellan kolleger hålls utanför Salesforce</translation>
    </message>
    <message>
        <location filename="../../app/ui/settings_tab.py" line="67" />
        <source>Do not mail</source>
        <translation>Kontakta inte</translation>
    </message>
    <message>
        <location filename="../../app/ui/settings_tab.py" line="68" />
        <source>Do not mail:</source>
        <translation>Kontakta inte:</translation>
    </message>
    <message>
        <location filename="../../app/ui/settings_tab.py" line="70" />
        <source>Shared addresses</source>
        <translation>Delade adresser</translation>
    </message>
    <message>
        <location filename="../../app/ui/settings_tab.py" line="71" />
        <source>Shared addresses:</source>
        <translation>Delade adresser:</translation>
    </message>
    <message>
        <location filename="../../app/ui/settings_tab.py" line="73" />
        <source>Accounts</source>
        <translation>Konton</translation>
    </message>
    <message>
        <location filename="../../app/ui/settings_tab.py" line="78" />
        <source>API allocation</source>
        <translation>API-andel</translation>
    </message>
    <message>
        <location filename="../../app/ui/settings_tab.py" line="79" />
        <source>Salesforce API allocation (share of the org's daily calls):</source>
        <translation>Salesforce API-andel (del av organisationens dagliga anrop):</translation>
    </message>
    <message>
        <location filename="../../app/ui/settings_tab.py" line="80" />
        <source>Change accounts…</source>
        <translation>Byt konton…</translation>
    </message>
    <message>
        <location filename="../../app/ui/settings_tab.py" line="83" />
        <source>When syncing stops</source>
        <translation>När synkningen stannar</translation>
    </message>
    <message>
        <location filename="../../app/ui/settings_tab.py" line="85" />
        <source>Email me when syncing has been stopped for</source>
        <translation>Mejla mig när synkningen har stått still i</translation>
    </message>
    <message>
        <location filename="../../app/ui/settings_tab.py" line="88" />
        <source> hours</source>
        <translation> timmar</translation>
    </message>
    <message>
        <location filename="../../app/ui/settings_tab.py" line="89" />
        <source>Email me after</source>
        <translation>Mejla mig efter</translation>
    </message>
    <message>
        <location filename="../../app/ui/settings_tab.py" line="97" />
        <source>Support address</source>
        <translation>Supportadress</translation>
    </message>
    <message>
        <location filename="../../app/ui/settings_tab.py" line="98" />
        <source>Support address:</source>
        <translation>Supportadress:</translation>
    </message>
    <message>
        <location filename="../../app/ui/settings_tab.py" line="100" />
        <source>Support page</source>
        <translation>Supportsida</translation>
    </message>
    <message>
        <location filename="../../app/ui/settings_tab.py" line="101" />
        <source>Support page:</source>
        <translation>Supportsida:</translation>
    </message>
    <message>
        <location filename="../../app/ui/settings_tab.py" line="103" />
        <source>Field mapping (mailbox field → Salesforce field)</source>
        <translation>Fältmappning (brevlådefält → Salesforce-fält)</translation>
    </message>
    <message>
        <location filename="../../app/ui/settings_tab.py" line="107" />
        <source>Object</source>
        <translation>Objekt</translation>
    </message>
    <message>
        <location filename="../../app/ui/settings_tab.py" line="107" />
        <source>Mailbox field</source>
        <translation>Brevlådefält</translation>
    </message>
    <message>
        <location filename="../../app/ui/settings_tab.py" line="107" />
        <source>Salesforce field</source>
        <translation>Salesforce-fält</translation>
    </message>
    <message>
        <location filename="../../app/ui/settings_tab.py" line="107" />
        <source>Type</source>
        <translation>Typ</translation>
    </message>
    <message>
        <location filename="../../app/ui/settings_tab.py" line="111" />
        <source>Field mapping</source>
        <translation>Fältmappning</translation>
    </message>
    <message>
        <location filename="../../app/ui/settings_tab.py" line="123" />
        <source>Check against Salesforce</source>
        <translation>Kontrollera mot Salesforce</translation>
    </message>
    <message>
        <location filename="../../app/ui/settings_tab.py" line="124" />
        <source>Restore defaults</source>
        <translation>Återställ standardvärden</translation>
    </message>
    <message>
        <location filename="../../app/ui/settings_tab.py" line="125" />
        <source>Save</source>
        <translation>Spara</translation>
    </message>
    <message>
        <location filename="../../app/ui/settings_tab.py" line="167" />
        <source>Sent to {address}, from your mailbox when Salesforce is what fails, through Salesforce when your mailbox is; once per problem, at most once a day.</source>
        <translation>Skickas till {address}, från din brevlåda när det är Salesforce som fallerar, via Salesforce när det är brevlådan; en gång per problem, högst en gång om dagen.</translation>
    </message>
    <message>
        <location filename="../../app/ui/settings_tab.py" line="169" />
        <source>your mailbox address</source>
        <translation>din brevlådeadress</translation>
    </message>
    <message>
        <location filename="../../app/ui/settings_tab.py" line="234" />
        <source>Set up the Salesforce account first.</source>
        <translation>Konfigurera Salesforce-kontot först.</translation>
    </message>
    <message>
        <location filename="../../app/ui/settings_tab.py" line="238" />
        <source>Reading the fields of your Salesforce org…</source>
        <translation>Läser fälten i din Salesforce-organisation…</translation>
    </message>
    <message>
        <location filename="../../app/ui/settings_tab.py" line="257" />
        <source>Could not read the org's fields: {error}</source>
        <translation>Kunde inte läsa organisationens fält: {error}</translation>
    </message>
    <message>
        <location filename="../../app/ui/settings_tab.py" line="260" />
        <source>Every mapped field exists in Salesforce and takes these values.</source>
        <translation>Alla mappade fält finns i Salesforce och tar emot de här värdena.</translation>
    </message>
</context>
<context>
    <name>SettingsWindow</name>
    <message>
        <location filename="../../app/ui/window.py" line="596" />
        <source>Syncbar — Sync Settings</source>
        <translation>Syncbar — Synkinställningar</translation>
    </message>
    <message>
        <location filename="../../app/ui/window.py" line="600" />
        <source>General</source>
        <translation>Allmänt</translation>
    </message>
    <message>
        <location filename="../../app/ui/window.py" line="601" />
        <source>Issues</source>
        <translation>Problem</translation>
    </message>
    <message>
        <location filename="../../app/ui/window.py" line="605" />
        <source>Settings</source>
        <translation>Inställningar</translation>
    </message>
</context>
<context>
    <name>SetupDialog</name>
    <message>
        <location filename="../../app/ui/setup_dialog.py" line="61" />
        <source>Set up Syncbar</source>
        <translation>Konfigurera Syncbar</translation>
    </message>
    <message>
        <location filename="../../app/ui/setup_dialog.py" line="75" />
        <source>Syncbar logs your mail, meetings and contacts to Salesforce. Pick your mailbox, sign in to it and to Salesforce in your browser, and choose what to sync.</source>
        <translation>Syncbar loggar din e-post, dina möten och kontakter i Salesforce. Välj brevlåda, logga in i den och i Salesforce i webbläsaren, och välj vad som ska synkas.</translation>
    </message>
    <message>
        <location filename="../../app/ui/setup_dialog.py" line="80" />
        <source>Mailbox</source>
        <translation>Brevlåda</translation>
    </message>
    <message>
        <location filename="../../app/ui/setup_dialog.py" line="85" />
        <source>Microsoft 365 (Outlook)</source>
        <translation>Microsoft 365 (Outlook)</translation>
    </message>
    <message>
        <location filename="../../app/ui/setup_dialog.py" line="86" />
        <source>Exchange Server</source>
        <translation>Exchange Server</translation>
    </message>
    <message>
        <location filename="../../app/ui/setup_dialog.py" line="87" />
        <source>Gmail / Google Workspace</source>
        <translation>Gmail / Google Workspace</translation>
    </message>
    <message>
        <location filename="../../app/ui/setup_dialog.py" line="98" />
        <source>you@company.com</source>
        <translation>du@foretag.se</translation>
    </message>
    <message>
        <location filename="../../app/ui/setup_dialog.py" line="105" />
        <source>https://mail.company.com/EWS/Exchange.asmx (empty: find it automatically)</source>
        <translation>https://mail.foretag.se/EWS/Exchange.asmx (tomt: hitta den automatiskt)</translation>
    </message>
    <message>
        <location filename="../../app/ui/setup_dialog.py" line="108" />
        <source>Address:</source>
        <translation>Adress:</translation>
    </message>
    <message>
        <location filename="../../app/ui/setup_dialog.py" line="109" />
        <source>User name:</source>
        <translation>Användarnamn:</translation>
    </message>
    <message>
        <location filename="../../app/ui/setup_dialog.py" line="110" />
        <source>Password:</source>
        <translation>Lösenord:</translation>
    </message>
    <message>
        <location filename="../../app/ui/setup_dialog.py" line="111" />
        <source>EWS URL:</source>
        <translation>EWS-adress:</translation>
    </message>
    <message>
        <location filename="../../app/ui/setup_dialog.py" line="117" />
        <source>Salesforce</source>
        <translation>Salesforce</translation>
    </message>
    <message>
        <location filename="../../app/ui/setup_dialog.py" line="121" />
        <source>Production</source>
        <translation>Produktion</translation>
    </message>
    <message>
        <location filename="../../app/ui/setup_dialog.py" line="122" />
        <source>Sandbox</source>
        <translation>Sandlåda</translation>
    </message>
    <message>
        <location filename="../../app/ui/setup_dialog.py" line="123" />
        <source>Custom domain…</source>
        <translation>Egen domän…</translation>
    </message>
    <message>
        <location filename="../../app/ui/setup_dialog.py" line="128" />
        <source>https://mycompany.my.salesforce.com</source>
        <translation>https://foretag.my.salesforce.com</translation>
    </message>
    <message>
        <location filename="../../app/ui/setup_dialog.py" line="129" />
        <source>Org:</source>
        <translation>Organisation:</translation>
    </message>
    <message>
        <location filename="../../app/ui/setup_dialog.py" line="130" />
        <source>Domain:</source>
        <translation>Domän:</translation>
    </message>
    <message>
        <location filename="../../app/ui/setup_dialog.py" line="131" />
        <source>Salesforce org</source>
        <translation>Salesforce-organisation</translation>
    </message>
    <message>
        <location filename="../../app/ui/setup_dialog.py" line="132" />
        <source>Salesforce custom domain</source>
        <translation>Egen Salesforce-domän</translation>
    </message>
    <message>
        <location filename="../../app/ui/setup_dialog.py" line="149" />
        <source>Sign in and start</source>
        <translation>Logga in och starta</translation>
    </message>
    <message>
        <location filename="../../app/ui/setup_dialog.py" line="150" />
        <source>Cancel</source>
        <translation>Avbryt</translation>
    </message>
    <message>
        <location filename="../../app/ui/setup_dialog.py" line="201" />
        <source>Exchange needs your mailbox password.</source>
        <translation>Exchange behöver lösenordet till din brevlåda.</translation>
    </message>
    <message>
        <location filename="../../app/ui/setup_dialog.py" line="205" />
        <source>Sign in to Salesforce, then to your mailbox, in the browser windows that open…</source>
        <translation>Logga in i Salesforce och sedan i din brevlåda i webbläsarfönstren som öppnas…</translation>
    </message>
    <message>
        <location filename="../../app/ui/setup_dialog.py" line="226" />
        <source>Setup did not finish: {error}</source>
        <translation>Konfigurationen blev inte klar: {error}</translation>
    </message>
    <message>
        <location filename="../../app/ui/setup_dialog.py" line="230" />
        <source>Signed in as {mailbox} and {crm}.</source>
        <translation>Inloggad som {mailbox} och {crm}.</translation>
    </message>
</context>
<context>
    <name>Startup</name>
    <message>
        <location filename="../../app/ui/startup.py" line="87" />
        <source>Syncbar's settings cannot be used</source>
        <translation>Syncbars inställningar kan inte användas</translation>
    </message>
    <message>
        <location filename="../../app/ui/startup.py" line="88" />
        <source>The settings file (profile.json) has a value Syncbar cannot use. Fix it in the file, or start the setup again: the old file is kept beside the new one, and your sync history stays.</source>
        <translation>Inställningsfilen (profile.json) har ett värde som Syncbar inte kan använda. Rätta det i filen, eller gör inställningen igen: den gamla filen sparas bredvid den nya, och din synkhistorik finns kvar.</translation>
    </message>
    <message>
        <location filename="../../app/ui/startup.py" line="95" />
        <source>Start setup again</source>
        <translation>Gör inställningen igen</translation>
    </message>
    <message>
        <location filename="../../app/ui/startup.py" line="96" />
        <location filename="../../app/ui/startup.py" line="117" />
        <location filename="../../app/ui/startup.py" line="125" />
        <source>Open the folder</source>
        <translation>Öppna mappen</translation>
    </message>
    <message>
        <location filename="../../app/ui/startup.py" line="116" />
        <source>Start fresh</source>
        <translation>Börja om</translation>
    </message>
    <message>
        <location filename="../../app/ui/startup.py" line="132" />
        <source>Open the log folder</source>
        <translation>Öppna loggmappen</translation>
    </message>
    <message>
        <location filename="../../app/ui/startup.py" line="145" />
        <source>Quit</source>
        <translation>Avsluta</translation>
    </message>
</context>
<context>
    <name>SupportDialog</name>
    <message>
        <location filename="../../app/ui/dialogs.py" line="229" />
        <source>Chat with support</source>
        <translation>Chatta med supporten</translation>
    </message>
    <message>
        <location filename="../../app/ui/dialogs.py" line="266" />
        <source>Keep addresses and subjects (helps support find the item)</source>
        <translation>Behåll adresser och ämnen (hjälper supporten att hitta objektet)</translation>
    </message>
    <message>
        <location filename="../../app/ui/dialogs.py" line="241" />
        <source>Send goes to {address} from your mailbox ({sender}), with the report attached.</source>
        <translation>Skicka går till {address} från din brevlåda ({sender}), med rapporten bifogad.</translation>
    </message>
    <message>
        <location filename="../../app/ui/dialogs.py" line="242" />
        <source>your mailbox</source>
        <translation>din brevlåda</translation>
    </message>
    <message>
        <location filename="../../app/ui/dialogs.py" line="249" />
        <source>Support page</source>
        <translation>Supportsida</translation>
    </message>
    <message>
        <location filename="../../app/ui/dialogs.py" line="250" />
        <source>Support page:</source>
        <translation>Supportsida:</translation>
    </message>
    <message>
        <location filename="../../app/ui/dialogs.py" line="252" />
        <location filename="../../app/ui/dialogs.py" line="255" />
        <source>What happened?</source>
        <translation>Vad hände?</translation>
    </message>
    <message>
        <location filename="../../app/ui/dialogs.py" line="254" />
        <source>What were you doing, and what went wrong?</source>
        <translation>Vad gjorde du, och vad gick fel?</translation>
    </message>
    <message>
        <location filename="../../app/ui/dialogs.py" line="261" />
        <source>Tokens and passwords are always removed; addresses, subjects and message text are removed too unless you keep them below.</source>
        <translation>Token och lösenord tas alltid bort; adresser, ämnesrader och meddelandetext tas också bort om du inte behåller dem nedan.</translation>
    </message>
    <message>
        <location filename="../../app/ui/dialogs.py" line="271" />
        <source>Files in the report</source>
        <translation>Filer i rapporten</translation>
    </message>
    <message>
        <location filename="../../app/ui/dialogs.py" line="277" />
        <source>Screenshot</source>
        <translation>Skärmbild</translation>
    </message>
    <message>
        <location filename="../../app/ui/dialogs.py" line="288" />
        <source>Save to file</source>
        <translation>Spara till fil</translation>
    </message>
    <message>
        <location filename="../../app/ui/dialogs.py" line="289" />
        <source>Send</source>
        <translation>Skicka</translation>
    </message>
    <message>
        <location filename="../../app/ui/dialogs.py" line="304" />
        <source>{name} ({size} bytes)</source>
        <translation>{name} ({size} byte)</translation>
    </message>
    <message>
        <location filename="../../app/ui/dialogs.py" line="330" />
        <source>Could not save the report: {error}. Nothing was sent.</source>
        <translation>Kunde inte spara rapporten: {error}. Inget skickades.</translation>
    </message>
    <message>
        <location filename="../../app/ui/dialogs.py" line="340" />
        <source>Saved {path}.</source>
        <translation>Sparade {path}.</translation>
    </message>
    <message>
        <location filename="../../app/ui/dialogs.py" line="349" />
        <source>Sending the report to {address}…</source>
        <translation>Skickar rapporten till {address}…</translation>
    </message>
    <message>
        <location filename="../../app/ui/dialogs.py" line="372" />
        <source>Sent to {address}. A copy is in your Sent Items and saved as {path}.</source>
        <translation>Skickad till {address}. En kopia finns i Skickat och är sparad som {path}.</translation>
    </message>
    <message>
        <location filename="../../app/ui/dialogs.py" line="366" />
        <source>Not sent: {problem}. The report is saved as {path}; try again later.</source>
        <translation>Inte skickad: {problem}. Rapporten är sparad som {path}; försök igen senare.</translation>
    </message>
    <message>
        <location filename="../../app/ui/dialogs.py" line="376" />
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
        <source>{title}{who}. Open Syncbar to sign in; syncing waits until then.</source>
        <translation>{title}{who}. Öppna Syncbar och logga in; synkningen väntar tills dess.</translation>
    </message>
    <message>
        <location filename="../../app/ui/tray.py" line="51" />
        <source>{title}{who}. Syncbar waits until {time} and then goes on by itself.</source>
        <translation>{title}{who}. Syncbar väntar till {time} och fortsätter sedan av sig självt.</translation>
    </message>
    <message>
        <location filename="../../app/ui/tray.py" line="54" />
        <location filename="../../app/ui/tray.py" line="57" />
        <source>Sync on hold</source>
        <translation>Synkningen väntar</translation>
    </message>
    <message>
        <location filename="../../app/ui/tray.py" line="57" />
        <source>{title}{who}. Syncbar waits and then goes on by itself.</source>
        <translation>{title}{who}. Syncbar väntar och fortsätter sedan av sig självt.</translation>
    </message>
    <message>
        <location filename="../../app/ui/tray.py" line="61" />
        <source>Sync keeps failing</source>
        <translation>Synkningen misslyckas gång på gång</translation>
    </message>
    <message>
        <location filename="../../app/ui/tray.py" line="61" />
        <source>Syncing has been stopped for a while: {title}. We emailed you about it. {fix}</source>
        <translation>Synkningen har stått still en tid: {title}. Vi har mejlat dig om det. {fix}</translation>
    </message>
    <message>
        <location filename="../../app/ui/tray.py" line="65" />
        <source>Sync is working again</source>
        <translation>Synkningen fungerar igen</translation>
    </message>
    <message>
        <location filename="../../app/ui/tray.py" line="65" />
        <source>The last sync went through.</source>
        <translation>Den senaste synkningen gick igenom.</translation>
    </message>
    <message>
        <location filename="../../app/ui/tray.py" line="69" />
        <source>Another sync tool found</source>
        <translation>Ett annat synkverktyg hittades</translation>
    </message>
    <message>
        <location filename="../../app/ui/tray.py" line="71" />
        <source>various problems</source>
        <translation>olika problem</translation>
    </message>
    <message>
        <location filename="../../app/ui/tray.py" line="72" />
        <source>Items could not sync</source>
        <translation>Objekt kunde inte synkas</translation>
    </message>
    <message>
        <location filename="../../app/ui/tray.py" line="72" />
        <source>{n} item(s): {what}. Click to see them in the Issues tab.</source>
        <translation>{n} objekt: {what}. Klicka för att se dem på fliken Problem.</translation>
    </message>
    <message>
        <location filename="../../app/ui/tray.py" line="76" />
        <source>Sync error</source>
        <translation>Synkfel</translation>
    </message>
    <message>
        <location filename="../../app/ui/tray.py" line="76" />
        <source>{title}{who}. {fix}</source>
        <translation>{title}{who}. {fix}</translation>
    </message>
    <message>
        <location filename="../../app/ui/tray.py" line="79" />
        <source>Something needs your attention.</source>
        <translation>Något behöver din uppmärksamhet.</translation>
    </message>
    <message>
        <location filename="../../app/ui/tray.py" line="95" />
        <source>Sync now</source>
        <translation>Synka nu</translation>
    </message>
    <message>
        <location filename="../../app/ui/tray.py" line="96" />
        <source>Pause</source>
        <translation>Pausa</translation>
    </message>
    <message>
        <location filename="../../app/ui/tray.py" line="97" />
        <source>Open Sync Settings</source>
        <translation>Öppna synkinställningar</translation>
    </message>
    <message>
        <location filename="../../app/ui/tray.py" line="98" />
        <source>Quit Syncbar</source>
        <translation>Avsluta Syncbar</translation>
    </message>
    <message>
        <location filename="../../app/ui/tray.py" line="129" />
        <source>Resume</source>
        <translation>Återuppta</translation>
    </message>
</context>
</TS>
<?xml version='1.0' encoding='utf-8'?>
<TS version="2.1" language="sv_SE">
<context>
    <name>AboutDialog</name>
    <message>
        <location filename="../../app/ui/about.py" line="99" />
        <source>About Syncbar</source>
        <translation>Om Syncbar</translation>
    </message>
    <message>
        <location filename="../../app/ui/about.py" line="101" />
        <source>Syncbar {version}</source>
        <translation>Syncbar {version}</translation>
    </message>
    <message>
        <location filename="../../app/ui/about.py" line="108" />
        <source>Keeps your mailbox and Salesforce in step.</source>
        <translation>Håller din brevlåda och Salesforce i takt.</translation>
    </message>
    <message>
        <location filename="../../app/ui/about.py" line="113" />
        <source>Help and documentation</source>
        <translation>Hjälp och dokumentation</translation>
    </message>
    <message>
        <location filename="../../app/ui/about.py" line="120" />
        <source>Syncbar is built with these libraries:</source>
        <translation>Syncbar är byggt med de här biblioteken:</translation>
    </message>
    <message>
        <location filename="../../app/ui/about.py" line="123" />
        <source>Library</source>
        <translation>Bibliotek</translation>
    </message>
    <message>
        <location filename="../../app/ui/about.py" line="123" />
        <source>Version</source>
        <translation>Version</translation>
    </message>
    <message>
        <location filename="../../app/ui/about.py" line="123" />
        <source>Licence</source>
        <translation>Licens</translation>
    </message>
    <message>
        <location filename="../../app/ui/about.py" line="124" />
        <source>Libraries and their licences</source>
        <translation>Bibliotek och deras licenser</translation>
    </message>
</context>
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
    <name>DayFilter</name>
    <message>
        <location filename="../../app/ui/day_filter.py" line="27" />
        <source>Show all days</source>
        <translation>Visa alla dagar</translation>
    </message>
    <message>
        <location filename="../../app/ui/day_filter.py" line="44" />
        <source>Issues seen on {day}</source>
        <translation>Problem som sågs {day}</translation>
    </message>
</context>
<context>
    <name>DesktopApp</name>
    <message>
        <location filename="../../app/ui/app.py" line="86" />
        <source>Syncbar — Sync Settings (demo)</source>
        <translation>Syncbar — Synkinställningar (demo)</translation>
    </message>
    <message>
        <location filename="../../app/ui/app.py" line="177" />
        <location filename="../../app/ui/app.py" line="192" />
        <source>Could not save the settings: {error}</source>
        <translation>Kunde inte spara inställningarna: {error}</translation>
    </message>
    <message>
        <location filename="../../app/ui/app.py" line="216" />
        <source>Other sync software</source>
        <translation>Annan synkprogramvara</translation>
    </message>
    <message>
        <location filename="../../app/ui/app.py" line="233" />
        <source>Could not open the settings: {error}</source>
        <translation>Kunde inte öppna inställningarna: {error}</translation>
    </message>
    <message>
        <location filename="../../app/ui/app.py" line="278" />
        <source>Sync on hold</source>
        <translation>Synkningen väntar</translation>
    </message>
    <message>
        <location filename="../../app/ui/app.py" line="280" />
        <source>Sync error</source>
        <translation>Synkfel</translation>
    </message>
    <message>
        <location filename="../../app/ui/app.py" line="482" />
        <source>Could not change “Start at login”: {error}</source>
        <translation>Kunde inte ändra ”Starta vid inloggning”: {error}</translation>
    </message>
    <message>
        <location filename="../../app/ui/app.py" line="489" />
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
        <location filename="../../app/ui/general_tab.py" line="74" />
        <source>Sign in again…</source>
        <translation>Logga in igen…</translation>
    </message>
    <message>
        <location filename="../../app/ui/general_tab.py" line="95" />
        <source>Sync now</source>
        <translation>Synka nu</translation>
    </message>
    <message>
        <location filename="../../app/ui/general_tab.py" line="96" />
        <location filename="../../app/ui/general_tab.py" line="244" />
        <source>Pause</source>
        <translation>Pausa</translation>
    </message>
    <message>
        <location filename="../../app/ui/general_tab.py" line="97" />
        <source>Set up accounts…</source>
        <translation>Konfigurera konton…</translation>
    </message>
    <message>
        <location filename="../../app/ui/general_tab.py" line="109" />
        <location filename="../../app/ui/general_tab.py" line="256" />
        <source>Current sync error</source>
        <translation>Aktuellt synkfel</translation>
    </message>
    <message>
        <location filename="../../app/ui/general_tab.py" line="114" />
        <source>Try now</source>
        <translation>Försök nu</translation>
    </message>
    <message>
        <location filename="../../app/ui/general_tab.py" line="115" />
        <source>If the cause is fixed, check once now instead of waiting</source>
        <translation>Om orsaken är åtgärdad: kontrollera en gång nu i stället för att vänta</translation>
    </message>
    <message>
        <location filename="../../app/ui/general_tab.py" line="116" />
        <source>Show details</source>
        <translation>Visa detaljer</translation>
    </message>
    <message>
        <location filename="../../app/ui/general_tab.py" line="128" />
        <location filename="../../app/ui/general_tab.py" line="208" />
        <source>Last session details</source>
        <translation>Senaste synkningen</translation>
    </message>
    <message>
        <location filename="../../app/ui/general_tab.py" line="131" />
        <location filename="../../app/ui/general_tab.py" line="317" />
        <source>No session yet</source>
        <translation>Ingen synkning än</translation>
    </message>
    <message>
        <location filename="../../app/ui/general_tab.py" line="134" />
        <source>Refresh</source>
        <translation>Uppdatera</translation>
    </message>
    <message>
        <location filename="../../app/ui/general_tab.py" line="146" />
        <source>Object</source>
        <translation>Objekt</translation>
    </message>
    <message>
        <location filename="../../app/ui/general_tab.py" line="147" />
        <source>New</source>
        <translation>Nya</translation>
    </message>
    <message>
        <location filename="../../app/ui/general_tab.py" line="148" />
        <location filename="../../app/ui/general_tab.py" line="179" />
        <source>Updated</source>
        <translation>Uppdaterade</translation>
    </message>
    <message>
        <location filename="../../app/ui/general_tab.py" line="149" />
        <source>Duplicate</source>
        <translation>Dubbletter</translation>
    </message>
    <message>
        <location filename="../../app/ui/general_tab.py" line="150" />
        <source>Ignored</source>
        <translation>Ignorerade</translation>
    </message>
    <message>
        <location filename="../../app/ui/general_tab.py" line="151" />
        <location filename="../../app/ui/general_tab.py" line="180" />
        <source>Failed</source>
        <translation>Misslyckade</translation>
    </message>
    <message>
        <location filename="../../app/ui/general_tab.py" line="152" />
        <source>Total</source>
        <translation>Totalt</translation>
    </message>
    <message>
        <location filename="../../app/ui/general_tab.py" line="168" />
        <source>Sync history (last 7 days)</source>
        <translation>Synkhistorik (senaste 7 dagarna)</translation>
    </message>
    <message>
        <location filename="../../app/ui/general_tab.py" line="175" />
        <source>Date</source>
        <translation>Datum</translation>
    </message>
    <message>
        <location filename="../../app/ui/general_tab.py" line="176" />
        <source>Syncs</source>
        <translation>Synkningar</translation>
    </message>
    <message>
        <location filename="../../app/ui/general_tab.py" line="177" />
        <source>Objects</source>
        <translation>Objekt</translation>
    </message>
    <message>
        <location filename="../../app/ui/general_tab.py" line="307" />
        <source>Last successful sync: {when} (took {took}) — {outcome}</source>
        <translation>Senaste lyckade synkning: {when} (tog {took}) — {outcome}</translation>
    </message>
    <message>
        <location filename="../../app/ui/general_tab.py" line="310" />
        <source>nothing new to sync</source>
        <translation>inget nytt att synka</translation>
    </message>
    <message>
        <location filename="../../app/ui/general_tab.py" line="313" />
        <source>The first sync is running: its progress is shown above.</source>
        <translation>Den första synkningen pågår: förloppet visas ovan.</translation>
    </message>
    <message>
        <location filename="../../app/ui/general_tab.py" line="315" />
        <source>No sync has completed yet.</source>
        <translation>Ingen synkning har slutförts än.</translation>
    </message>
    <message>
        <location filename="../../app/ui/general_tab.py" line="328" />
        <source>Last attempt: {when} — {outcome}</source>
        <translation>Senaste försöket: {when} — {outcome}</translation>
    </message>
    <message>
        <location filename="../../app/ui/general_tab.py" line="332" />
        <source>: {problem}</source>
        <translation>: {problem}</translation>
    </message>
    <message>
        <location filename="../../app/ui/general_tab.py" line="334" />
        <source> ({count} items synced before it stopped)</source>
        <translation> ({count} objekt synkades innan det avbröts)</translation>
    </message>
    <message>
        <location filename="../../app/ui/general_tab.py" line="346" />
        <source>Salesforce API calls in the last 24 hours: {used} of {limit} ({percent}%)</source>
        <translation>Salesforce-API-anrop de senaste 24 timmarna: {used} av {limit} ({percent} %)</translation>
    </message>
    <message>
        <location filename="../../app/ui/general_tab.py" line="351" />
        <source>The whole organisation's calls as Salesforce reported them at {when}</source>
        <translation>Hela organisationens anrop som Salesforce rapporterade dem {when}</translation>
    </message>
    <message>
        <location filename="../../app/ui/general_tab.py" line="377" />
        <source>{count} ({stopped} stopped)</source>
        <translation>{count} ({stopped} stoppade)</translation>
    </message>
    <message>
        <location filename="../../app/ui/general_tab.py" line="415" />
        <source>everything synced</source>
        <translation>allt synkades</translation>
    </message>
    <message>
        <location filename="../../app/ui/general_tab.py" line="416" />
        <source>some items failed</source>
        <translation>några objekt misslyckades</translation>
    </message>
    <message>
        <location filename="../../app/ui/general_tab.py" line="417" />
        <source>stopped by an error</source>
        <translation>stoppades av ett fel</translation>
    </message>
    <message>
        <location filename="../../app/ui/general_tab.py" line="418" />
        <source>stopped</source>
        <translation>stoppades</translation>
    </message>
    <message>
        <location filename="../../app/ui/general_tab.py" line="419" />
        <source>interrupted</source>
        <translation>avbröts</translation>
    </message>
    <message>
        <location filename="../../app/ui/general_tab.py" line="420" />
        <source>running</source>
        <translation>pågår</translation>
    </message>
    <message>
        <location filename="../../app/ui/general_tab.py" line="178" />
        <source>Added</source>
        <translation>Tillagda</translation>
    </message>
    <message>
        <location filename="../../app/ui/general_tab.py" line="192" />
        <source>Start at login</source>
        <translation>Starta vid inloggning</translation>
    </message>
    <message>
        <location filename="../../app/ui/general_tab.py" line="195" />
        <source>Notify me the first time</source>
        <translation>Meddela mig första gången</translation>
    </message>
    <message>
        <location filename="../../app/ui/general_tab.py" line="196" />
        <source>Notify me every time</source>
        <translation>Meddela mig varje gång</translation>
    </message>
    <message>
        <location filename="../../app/ui/general_tab.py" line="197" />
        <source>Never notify me</source>
        <translation>Meddela mig aldrig</translation>
    </message>
    <message>
        <location filename="../../app/ui/general_tab.py" line="202" />
        <source>Notifications:</source>
        <translation>Aviseringar:</translation>
    </message>
    <message>
        <location filename="../../app/ui/general_tab.py" line="206" />
        <source>Sync status</source>
        <translation>Synkstatus</translation>
    </message>
    <message>
        <location filename="../../app/ui/general_tab.py" line="207" />
        <source>Sync state icon</source>
        <translation>Ikon för synkläge</translation>
    </message>
    <message>
        <location filename="../../app/ui/general_tab.py" line="209" />
        <source>Sync history</source>
        <translation>Synkhistorik</translation>
    </message>
    <message>
        <location filename="../../app/ui/general_tab.py" line="210" />
        <source>Sync history chart</source>
        <translation>Diagram över synkhistorik</translation>
    </message>
    <message>
        <location filename="../../app/ui/general_tab.py" line="211" />
        <source>Notifications</source>
        <translation>Aviseringar</translation>
    </message>
    <message>
        <location filename="../../app/ui/general_tab.py" line="213" />
        <location filename="../../app/ui/general_tab.py" line="246" />
        <source>Sync now (F5)</source>
        <translation>Synka nu (F5)</translation>
    </message>
    <message>
        <location filename="../../app/ui/general_tab.py" line="236" />
        <source>Mailbox: {mailbox}    Salesforce: {crm}</source>
        <translation>Brevlåda: {mailbox}    Salesforce: {crm}</translation>
    </message>
    <message>
        <location filename="../../app/ui/general_tab.py" line="241" />
        <source>Click “Set up accounts…” to connect your mailbox and Salesforce.</source>
        <translation>Klicka på ”Konfigurera konton…” för att ansluta din brevlåda och Salesforce.</translation>
    </message>
    <message>
        <location filename="../../app/ui/general_tab.py" line="244" />
        <source>Resume</source>
        <translation>Återuppta</translation>
    </message>
    <message>
        <location filename="../../app/ui/general_tab.py" line="253" />
        <source>Next sync: {time}</source>
        <translation>Nästa synkning: {time}</translation>
    </message>
    <message>
        <location filename="../../app/ui/general_tab.py" line="256" />
        <source>Waiting</source>
        <translation>Väntar</translation>
    </message>
    <message>
        <location filename="../../app/ui/general_tab.py" line="265" />
        <source>{service} needs you to sign in again{who}: {title}. Syncing is on hold until then.</source>
        <translation>{service} behöver att du loggar in igen{who}: {title}. Synkningen väntar tills dess.</translation>
    </message>
    <message>
        <location filename="../../app/ui/general_tab.py" line="266" />
        <source>An account</source>
        <translation>Ett konto</translation>
    </message>
    <message>
        <location filename="../../app/ui/sync_progress.py" line="24" />
        <source>Emails</source>
        <translation>E-post</translation>
    </message>
    <message>
        <location filename="../../app/ui/sync_progress.py" line="25" />
        <source>Events</source>
        <translation>Möten</translation>
    </message>
    <message>
        <location filename="../../app/ui/sync_progress.py" line="26" />
        <source>Contacts</source>
        <translation>Kontakter</translation>
    </message>
    <message>
        <location filename="../../app/ui/sync_progress.py" line="27" />
        <source>Tasks</source>
        <translation>Uppgifter</translation>
    </message>
    <message>
        <location filename="../../app/ui/sync_progress.py" line="36" />
        <source>{n} s</source>
        <translation>{n} s</translation>
    </message>
    <message>
        <location filename="../../app/ui/sync_progress.py" line="39" />
        <source>{n} min</source>
        <translation>{n} min</translation>
    </message>
    <message>
        <location filename="../../app/ui/sync_progress.py" line="40" />
        <source>{h} h {m} min</source>
        <translation>{h} h {m} min</translation>
    </message>
</context>
<context>
    <name>HistoryChart</name>
    <message>
        <location filename="../../app/ui/history_chart.py" line="44" />
        <source>Click a day to see its issues</source>
        <translation>Klicka på en dag för att se dess problem</translation>
    </message>
    <message>
        <location filename="../../app/ui/history_chart.py" line="52" />
        <source>{day}: {synced} synced, {failed} failed</source>
        <translation>{day}: {synced} synkade, {failed} misslyckade</translation>
    </message>
    <message>
        <location filename="../../app/ui/history_chart.py" line="111" />
        <source>No sync in the last 7 days</source>
        <translation>Ingen synkning de senaste 7 dagarna</translation>
    </message>
    <message>
        <location filename="../../app/ui/history_chart.py" line="144" />
        <source>Synced</source>
        <translation>Synkade</translation>
    </message>
    <message>
        <location filename="../../app/ui/history_chart.py" line="144" />
        <source>Failed</source>
        <translation>Misslyckade</translation>
    </message>
</context>
<context>
    <name>IssuesModel</name>
    <message>
        <location filename="../../app/ui/models.py" line="40" />
        <source>When</source>
        <translation>När</translation>
    </message>
    <message>
        <location filename="../../app/ui/models.py" line="41" />
        <source>Item</source>
        <translation>Objekt</translation>
    </message>
    <message>
        <location filename="../../app/ui/models.py" line="42" />
        <source>Problem</source>
        <translation>Problem</translation>
    </message>
    <message>
        <location filename="../../app/ui/models.py" line="43" />
        <source>What to do</source>
        <translation>Gör så här</translation>
    </message>
    <message>
        <location filename="../../app/ui/models.py" line="44" />
        <source>Mailbox</source>
        <translation>Brevlåda</translation>
    </message>
    <message>
        <location filename="../../app/ui/models.py" line="45" />
        <source>Salesforce</source>
        <translation>Salesforce</translation>
    </message>
    <message>
        <location filename="../../app/ui/models.py" line="47" />
        <source>First seen</source>
        <translation>Först sedd</translation>
    </message>
    <message>
        <location filename="../../app/ui/models.py" line="95" />
        <source>just now</source>
        <translation>nyss</translation>
    </message>
    <message>
        <location filename="../../app/ui/models.py" line="97" />
        <source>{n} min ago</source>
        <translation>för {n} min sedan</translation>
    </message>
    <message>
        <location filename="../../app/ui/models.py" line="101" />
        <source>{n} h ago</source>
        <translation>för {n} tim sedan</translation>
    </message>
    <message>
        <location filename="../../app/ui/models.py" line="103" />
        <source>yesterday</source>
        <translation>i går</translation>
    </message>
    <message>
        <location filename="../../app/ui/models.py" line="105" />
        <source>{n} days ago</source>
        <translation>för {n} dagar sedan</translation>
    </message>
    <message>
        <location filename="../../app/ui/models.py" line="112" />
        <source>Whole account: {account}</source>
        <translation>Hela kontot: {account}</translation>
    </message>
    <message>
        <location filename="../../app/ui/models.py" line="114" />
        <source>(no subject)</source>
        <translation>(inget ämne)</translation>
    </message>
    <message>
        <location filename="../../app/ui/models.py" line="296" />
        <source>Each row's ⋮ opens its actions</source>
        <translation>Varje rads ⋮ öppnar dess åtgärder</translation>
    </message>
    <message>
        <location filename="../../app/ui/models.py" line="298" />
        <source>Actions</source>
        <translation>Åtgärder</translation>
    </message>
    <message>
        <location filename="../../app/ui/models.py" line="345" />
        <source>{problem} ({state})</source>
        <translation>{problem} ({state})</translation>
    </message>
    <message>
        <location filename="../../app/ui/models.py" line="356" />
        <source>Last seen {last}
First seen {first}
Attempts: {n}</source>
        <translation>Senast sedd {last}
Först sedd {first}
Försök: {n}</translation>
    </message>
    <message>
        <location filename="../../app/ui/models.py" line="362" />
        <source>Date: {when}</source>
        <translation>Datum: {when}</translation>
    </message>
    <message>
        <location filename="../../app/ui/models.py" line="364" />
        <source>{object} · reported by {source} · {state}</source>
        <translation>{object} · rapporterat av {source} · {state}</translation>
    </message>
    <message>
        <location filename="../../app/ui/models.py" line="368" />
        <source>Account: {account}</source>
        <translation>Konto: {account}</translation>
    </message>
    <message>
        <location filename="../../app/ui/models.py" line="371" />
        <source>Code: {code}</source>
        <translation>Kod: {code}</translation>
    </message>
    <message>
        <location filename="../../app/ui/models.py" line="373" />
        <source>The service said: {message}</source>
        <translation>Tjänsten svarade: {message}</translation>
    </message>
    <message>
        <location filename="../../app/ui/models.py" line="378" />
        <source>Open the item in your mailbox</source>
        <translation>Öppna objektet i din brevlåda</translation>
    </message>
    <message>
        <location filename="../../app/ui/models.py" line="378" />
        <source>No mailbox link</source>
        <translation>Ingen länk till brevlådan</translation>
    </message>
    <message>
        <location filename="../../app/ui/models.py" line="380" />
        <source>Open the record in Salesforce</source>
        <translation>Öppna posten i Salesforce</translation>
    </message>
    <message>
        <location filename="../../app/ui/models.py" line="380" />
        <source>No Salesforce record yet</source>
        <translation>Ingen Salesforce-post än</translation>
    </message>
    <message>
        <location filename="../../app/ui/models.py" line="382" />
        <source>Actions: Retry, Ignore, Copy details, Show details, Chat with support</source>
        <translation>Åtgärder: Försök igen, Ignorera, Kopiera detaljer, Visa detaljer, Chatta med support</translation>
    </message>
</context>
<context>
    <name>IssuesTab</name>
    <message>
        <location filename="../../app/ui/issues_tab.py" line="94" />
        <source>All objects</source>
        <translation>Alla objekt</translation>
    </message>
    <message>
        <location filename="../../app/ui/issues_tab.py" line="98" />
        <source>All sources</source>
        <translation>Alla källor</translation>
    </message>
    <message>
        <location filename="../../app/ui/issues_tab.py" line="103" />
        <source>All states</source>
        <translation>Alla lägen</translation>
    </message>
    <message>
        <location filename="../../app/ui/issues_tab.py" line="190" />
        <source>Copy details</source>
        <translation>Kopiera detaljer</translation>
    </message>
    <message>
        <location filename="../../app/ui/issues_tab.py" line="192" />
        <source>Chat with support…</source>
        <translation>Chatta med supporten…</translation>
    </message>
    <message>
        <location filename="../../app/ui/issues_tab.py" line="109" />
        <source>Export CSV…</source>
        <translation>Exportera CSV…</translation>
    </message>
    <message>
        <location filename="../../app/ui/issues_tab.py" line="157" />
        <source>Issues</source>
        <translation>Problem</translation>
    </message>
    <message>
        <location filename="../../app/ui/issues_tab.py" line="111" />
        <source>Object filter</source>
        <translation>Objektfilter</translation>
    </message>
    <message>
        <location filename="../../app/ui/issues_tab.py" line="107" />
        <source>Search item, person, problem or code</source>
        <translation>Sök objekt, person, problem eller kod</translation>
    </message>
    <message>
        <location filename="../../app/ui/issues_tab.py" line="112" />
        <source>Source filter</source>
        <translation>Källfilter</translation>
    </message>
    <message>
        <location filename="../../app/ui/issues_tab.py" line="113" />
        <source>State filter</source>
        <translation>Lägesfilter</translation>
    </message>
    <message>
        <location filename="../../app/ui/issues_tab.py" line="117" />
        <source>Search issues</source>
        <translation>Sök bland problem</translation>
    </message>
    <message>
        <location filename="../../app/ui/issues_tab.py" line="125" />
        <source>Retry selected</source>
        <translation>Försök igen med markerade</translation>
    </message>
    <message>
        <location filename="../../app/ui/issues_tab.py" line="126" />
        <source>Ignore selected</source>
        <translation>Ignorera markerade</translation>
    </message>
    <message>
        <location filename="../../app/ui/issues_tab.py" line="127" />
        <source>Un-ignore selected</source>
        <translation>Sluta ignorera markerade</translation>
    </message>
    <message>
        <location filename="../../app/ui/issues_tab.py" line="171" />
        <source>Clear filters</source>
        <translation>Rensa filter</translation>
    </message>
    <message>
        <location filename="../../app/ui/issues_tab.py" line="183" />
        <source>Retry</source>
        <translation>Försök igen</translation>
    </message>
    <message>
        <location filename="../../app/ui/issues_tab.py" line="184" />
        <source>Ignore</source>
        <translation>Ignorera</translation>
    </message>
    <message>
        <location filename="../../app/ui/issues_tab.py" line="185" />
        <source>Un-ignore</source>
        <translation>Sluta ignorera</translation>
    </message>
    <message>
        <location filename="../../app/ui/issues_tab.py" line="187" />
        <source>Retry all with this problem</source>
        <translation>Försök igen med alla med detta problem</translation>
    </message>
    <message>
        <location filename="../../app/ui/issues_tab.py" line="188" />
        <source>Ignore all with this problem</source>
        <translation>Ignorera alla med detta problem</translation>
    </message>
    <message>
        <location filename="../../app/ui/issues_tab.py" line="191" />
        <source>Show details…</source>
        <translation>Visa detaljer…</translation>
    </message>
    <message>
        <location filename="../../app/ui/issues_tab.py" line="275" />
        <source>{shown} of {total} issues</source>
        <translation>{shown} av {total} problem</translation>
    </message>
    <message>
        <location filename="../../app/ui/issues_tab.py" line="278" />
        <source>{total} issues</source>
        <translation>{total} problem</translation>
    </message>
    <message>
        <location filename="../../app/ui/issues_tab.py" line="283" />
        <source>No issues match these filters.</source>
        <translation>Inga problem matchar filtren.</translation>
    </message>
    <message>
        <location filename="../../app/ui/issues_tab.py" line="285" />
        <source>No issues — everything synced.</source>
        <translation>Inga problem – allt är synkat.</translation>
    </message>
    <message>
        <location filename="../../app/ui/issues_tab.py" line="312" />
        <source>{n} selected</source>
        <translation>{n} markerade</translation>
    </message>
    <message>
        <location filename="../../app/ui/issues_tab.py" line="347" />
        <source>Retry all “{problem}”</source>
        <translation>Försök igen med alla ”{problem}”</translation>
    </message>
    <message>
        <location filename="../../app/ui/issues_tab.py" line="348" />
        <source>Ignore all “{problem}”</source>
        <translation>Ignorera alla ”{problem}”</translation>
    </message>
    <message>
        <location filename="../../app/ui/issues_tab.py" line="393" />
        <source>Item: {item}</source>
        <translation>Objekt: {item}</translation>
    </message>
    <message>
        <location filename="../../app/ui/issues_tab.py" line="394" />
        <source>{object} · reported by {source} · {state}</source>
        <translation>{object} · rapporterat av {source} · {state}</translation>
    </message>
    <message>
        <location filename="../../app/ui/issues_tab.py" line="397" />
        <source>The service said: {message}</source>
        <translation>Tjänsten svarade: {message}</translation>
    </message>
    <message>
        <location filename="../../app/ui/issues_tab.py" line="398" />
        <source>First seen: {first}; last seen: {last}; attempts: {n}</source>
        <translation>Först sedd: {first}; senast sedd: {last}; försök: {n}</translation>
    </message>
    <message>
        <location filename="../../app/ui/issues_tab.py" line="401" />
        <source>What to do: {advice}</source>
        <translation>Gör så här: {advice}</translation>
    </message>
    <message>
        <location filename="../../app/ui/issues_tab.py" line="402" />
        <source>Mailbox: {link}</source>
        <translation>Brevlåda: {link}</translation>
    </message>
    <message>
        <location filename="../../app/ui/issues_tab.py" line="403" />
        <source>Salesforce: {link}</source>
        <translation>Salesforce: {link}</translation>
    </message>
    <message>
        <location filename="../../app/ui/issues_tab.py" line="404" />
        <source>Request id: {id}</source>
        <translation>Begärans id: {id}</translation>
    </message>
    <message>
        <location filename="../../app/ui/issues_tab.py" line="457" />
        <source>Export issues</source>
        <translation>Exportera problem</translation>
    </message>
    <message>
        <location filename="../../app/ui/issues_tab.py" line="457" />
        <source>CSV (*.csv)</source>
        <translation>CSV (*.csv)</translation>
    </message>
    <message>
        <location filename="../../app/ui/issues_tab.py" line="464" />
        <source>Could not export: {error}</source>
        <translation>Kunde inte exportera: {error}</translation>
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
        <location filename="../../app/ui/dialogs.py" line="232" />
        <source>https://mail.example.com/EWS/Exchange.asmx</source>
        <translation>https://mail.example.com/EWS/Exchange.asmx</translation>
    </message>
    <message>
        <location filename="../../app/ui/dialogs.py" line="233" />
        <source>Exchange (EWS) URL:</source>
        <translation>Exchange-adress (EWS):</translation>
    </message>
    <message>
        <location filename="../../app/ui/dialogs.py" line="241" />
        <source>Refresh</source>
        <translation>Uppdatera</translation>
    </message>
    <message>
        <location filename="../../app/ui/dialogs.py" line="243" />
        <source>Sign in again as {account}</source>
        <translation>Logga in igen som {account}</translation>
    </message>
    <message>
        <location filename="../../app/ui/dialogs.py" line="245" />
        <source>Change account…</source>
        <translation>Byt konto…</translation>
    </message>
    <message>
        <location filename="../../app/ui/dialogs.py" line="246" />
        <source>Advanced</source>
        <translation>Avancerat</translation>
    </message>
    <message>
        <location filename="../../app/ui/dialogs.py" line="249" />
        <source>Cancel</source>
        <translation>Avbryt</translation>
    </message>
    <message>
        <location filename="../../app/ui/dialogs.py" line="264" />
        <source>Waiting for you to finish signing in in your browser…</source>
        <translation>Väntar på att du loggar in klart i webbläsaren…</translation>
    </message>
    <message>
        <location filename="../../app/ui/dialogs.py" line="277" />
        <source>Sign-in did not finish: {error}</source>
        <translation>Inloggningen blev inte klar: {error}</translation>
    </message>
    <message>
        <location filename="../../app/ui/dialogs.py" line="279" />
        <source>Signed in as {account}.</source>
        <translation>Inloggad som {account}.</translation>
    </message>
</context>
<context>
    <name>SettingsTab</name>
    <message>
        <location filename="../../app/ui/settings_tab.py" line="54" />
        <source>These settings apply once your mailbox and Salesforce are connected. Use “Set up accounts…” on the General tab first.</source>
        <translation>De här inställningarna gäller när din brevlåda och Salesforce är anslutna. Använd först ”Konfigurera konton…” på fliken Allmänt.</translation>
    </message>
    <message>
        <location filename="../../app/ui/settings_tab.py" line="69" />
        <source> minutes</source>
        <translation> minuter</translation>
    </message>
    <message>
        <location filename="../../app/ui/settings_tab.py" line="70" />
        <source>Sync every</source>
        <translation>Synka var</translation>
    </message>
    <message>
        <location filename="../../app/ui/settings_tab.py" line="71" />
        <source>Sync every:</source>
        <translation>Synka var:</translation>
    </message>
    <message>
        <location filename="../../app/ui/settings_tab.py" line="72" />
        <source>Mail among colleagues stays out of Salesforce</source>
        <translation>Post mellan kolleger hålls utanför Salesforce</translation>
    </message>
    <message>
        <location filename="../../app/ui/settings_tab.py" line="75" />
        <source>Do not mail</source>
        <translation>Kontakta inte</translation>
    </message>
    <message>
        <location filename="../../app/ui/settings_tab.py" line="76" />
        <source>Do not mail:</source>
        <translation>Kontakta inte:</translation>
    </message>
    <message>
        <location filename="../../app/ui/settings_tab.py" line="78" />
        <source>Shared addresses</source>
        <translation>Delade adresser</translation>
    </message>
    <message>
        <location filename="../../app/ui/settings_tab.py" line="79" />
        <source>Shared addresses:</source>
        <translation>Delade adresser:</translation>
    </message>
    <message>
        <location filename="../../app/ui/settings_tab.py" line="81" />
        <source>Accounts</source>
        <translation>Konton</translation>
    </message>
    <message>
        <location filename="../../app/ui/settings_tab.py" line="86" />
        <source>API allocation</source>
        <translation>API-andel</translation>
    </message>
    <message>
        <location filename="../../app/ui/settings_tab.py" line="87" />
        <source>Salesforce API allocation (share of the org's daily calls):</source>
        <translation>Salesforce API-andel (del av organisationens dagliga anrop):</translation>
    </message>
    <message>
        <location filename="../../app/ui/settings_tab.py" line="88" />
        <source>Change accounts…</source>
        <translation>Byt konton…</translation>
    </message>
    <message>
        <location filename="../../app/ui/settings_tab.py" line="91" />
        <source>When syncing stops</source>
        <translation>När synkningen stannar</translation>
    </message>
    <message>
        <location filename="../../app/ui/settings_tab.py" line="93" />
        <source>Email me when syncing has been stopped for</source>
        <translation>Mejla mig när synkningen har stått still i</translation>
    </message>
    <message>
        <location filename="../../app/ui/settings_tab.py" line="96" />
        <source> hours</source>
        <translation> timmar</translation>
    </message>
    <message>
        <location filename="../../app/ui/settings_tab.py" line="97" />
        <source>Email me after</source>
        <translation>Mejla mig efter</translation>
    </message>
    <message>
        <location filename="../../app/ui/settings_tab.py" line="105" />
        <source>Support address</source>
        <translation>Supportadress</translation>
    </message>
    <message>
        <location filename="../../app/ui/settings_tab.py" line="106" />
        <source>Support address:</source>
        <translation>Supportadress:</translation>
    </message>
    <message>
        <location filename="../../app/ui/settings_tab.py" line="108" />
        <source>Support page</source>
        <translation>Supportsida</translation>
    </message>
    <message>
        <location filename="../../app/ui/settings_tab.py" line="109" />
        <source>Support page:</source>
        <translation>Supportsida:</translation>
    </message>
    <message>
        <location filename="../../app/ui/settings_tab.py" line="111" />
        <source>Field mapping (mailbox field → Salesforce field)</source>
        <translation>Fältmappning (brevlådefält → Salesforce-fält)</translation>
    </message>
    <message>
        <location filename="../../app/ui/settings_tab.py" line="115" />
        <source>Object</source>
        <translation>Objekt</translation>
    </message>
    <message>
        <location filename="../../app/ui/settings_tab.py" line="115" />
        <source>Mailbox field</source>
        <translation>Brevlådefält</translation>
    </message>
    <message>
        <location filename="../../app/ui/settings_tab.py" line="115" />
        <source>Salesforce field</source>
        <translation>Salesforce-fält</translation>
    </message>
    <message>
        <location filename="../../app/ui/settings_tab.py" line="115" />
        <source>Type</source>
        <translation>Typ</translation>
    </message>
    <message>
        <location filename="../../app/ui/settings_tab.py" line="119" />
        <source>Field mapping</source>
        <translation>Fältmappning</translation>
    </message>
    <message>
        <location filename="../../app/ui/settings_tab.py" line="131" />
        <source>Check against Salesforce</source>
        <translation>Kontrollera mot Salesforce</translation>
    </message>
    <message>
        <location filename="../../app/ui/settings_tab.py" line="132" />
        <source>Restore defaults</source>
        <translation>Återställ standardvärden</translation>
    </message>
    <message>
        <location filename="../../app/ui/settings_tab.py" line="133" />
        <source>Save</source>
        <translation>Spara</translation>
    </message>
    <message>
        <location filename="../../app/ui/settings_tab.py" line="182" />
        <source>Sent to {address}, from your mailbox when Salesforce is what fails, through Salesforce when your mailbox is; once per problem, at most once a day.</source>
        <translation>Skickas till {address}, från din brevlåda när det är Salesforce som fallerar, via Salesforce när det är brevlådan; en gång per problem, högst en gång om dagen.</translation>
    </message>
    <message>
        <location filename="../../app/ui/settings_tab.py" line="184" />
        <source>your mailbox address</source>
        <translation>din brevlådeadress</translation>
    </message>
    <message>
        <location filename="../../app/ui/settings_tab.py" line="249" />
        <source>Set up the Salesforce account first.</source>
        <translation>Konfigurera Salesforce-kontot först.</translation>
    </message>
    <message>
        <location filename="../../app/ui/settings_tab.py" line="253" />
        <source>Reading the fields of your Salesforce org…</source>
        <translation>Läser fälten i din Salesforce-organisation…</translation>
    </message>
    <message>
        <location filename="../../app/ui/settings_tab.py" line="272" />
        <source>Could not read the org's fields: {error}</source>
        <translation>Kunde inte läsa organisationens fält: {error}</translation>
    </message>
    <message>
        <location filename="../../app/ui/settings_tab.py" line="275" />
        <source>Every mapped field exists in Salesforce and takes these values.</source>
        <translation>Alla mappade fält finns i Salesforce och tar emot de här värdena.</translation>
    </message>
</context>
<context>
    <name>SettingsWindow</name>
    <message>
        <location filename="../../app/ui/window.py" line="30" />
        <source>Syncbar — Sync Settings</source>
        <translation>Syncbar — Synkinställningar</translation>
    </message>
    <message>
        <location filename="../../app/ui/window.py" line="31" />
        <source>&amp;Help</source>
        <translation>&amp;Hjälp</translation>
    </message>
    <message>
        <location filename="../../app/ui/window.py" line="32" />
        <source>About Syncbar…</source>
        <translation>Om Syncbar…</translation>
    </message>
    <message>
        <location filename="../../app/ui/window.py" line="37" />
        <source>General</source>
        <translation>Allmänt</translation>
    </message>
    <message>
        <location filename="../../app/ui/window.py" line="38" />
        <source>Issues</source>
        <translation>Problem</translation>
    </message>
    <message>
        <location filename="../../app/ui/window.py" line="48" />
        <source>Settings</source>
        <translation>Inställningar</translation>
    </message>
    <message>
        <location filename="../../app/ui/window.py" line="65" />
        <source>Set up your accounts first</source>
        <translation>Konfigurera dina konton först</translation>
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
        <location filename="../../app/ui/setup_dialog.py" line="67" />
        <source>Syncbar logs your mail, meetings and contacts to Salesforce. Pick your mailbox, sign in to it and to Salesforce in your browser, and choose what to sync.</source>
        <translation>Syncbar loggar din e-post, dina möten och kontakter i Salesforce. Välj brevlåda, logga in i den och i Salesforce i webbläsaren, och välj vad som ska synkas.</translation>
    </message>
    <message>
        <location filename="../../app/ui/setup_dialog.py" line="74" />
        <source>Mailbox</source>
        <translation>Brevlåda</translation>
    </message>
    <message>
        <location filename="../../app/ui/setup_dialog.py" line="79" />
        <source>Microsoft 365 (Outlook)</source>
        <translation>Microsoft 365 (Outlook)</translation>
    </message>
    <message>
        <location filename="../../app/ui/setup_dialog.py" line="80" />
        <source>Exchange Server</source>
        <translation>Exchange Server</translation>
    </message>
    <message>
        <location filename="../../app/ui/setup_dialog.py" line="81" />
        <source>Gmail / Google Workspace</source>
        <translation>Gmail / Google Workspace</translation>
    </message>
    <message>
        <location filename="../../app/ui/setup_dialog.py" line="92" />
        <source>you@company.com</source>
        <translation>du@foretag.se</translation>
    </message>
    <message>
        <location filename="../../app/ui/setup_dialog.py" line="94" />
        <source>DOMAIN\user (if it differs from the address)</source>
        <translation>DOMÄN\användare (om det skiljer sig från adressen)</translation>
    </message>
    <message>
        <location filename="../../app/ui/setup_dialog.py" line="99" />
        <source>https://mail.company.com/EWS/Exchange.asmx (empty: find it automatically)</source>
        <translation>https://mail.foretag.se/EWS/Exchange.asmx (tomt: hitta den automatiskt)</translation>
    </message>
    <message>
        <location filename="../../app/ui/setup_dialog.py" line="102" />
        <source>Address:</source>
        <translation>Adress:</translation>
    </message>
    <message>
        <location filename="../../app/ui/setup_dialog.py" line="103" />
        <source>User name:</source>
        <translation>Användarnamn:</translation>
    </message>
    <message>
        <location filename="../../app/ui/setup_dialog.py" line="104" />
        <source>Password:</source>
        <translation>Lösenord:</translation>
    </message>
    <message>
        <location filename="../../app/ui/setup_dialog.py" line="105" />
        <source>EWS URL:</source>
        <translation>EWS-adress:</translation>
    </message>
    <message>
        <location filename="../../app/ui/setup_dialog.py" line="111" />
        <source>Salesforce</source>
        <translation>Salesforce</translation>
    </message>
    <message>
        <location filename="../../app/ui/setup_dialog.py" line="115" />
        <source>Production</source>
        <translation>Produktion</translation>
    </message>
    <message>
        <location filename="../../app/ui/setup_dialog.py" line="116" />
        <source>Sandbox</source>
        <translation>Sandlåda</translation>
    </message>
    <message>
        <location filename="../../app/ui/setup_dialog.py" line="117" />
        <source>Custom domain…</source>
        <translation>Egen domän…</translation>
    </message>
    <message>
        <location filename="../../app/ui/setup_dialog.py" line="122" />
        <source>https://mycompany.my.salesforce.com</source>
        <translation>https://foretag.my.salesforce.com</translation>
    </message>
    <message>
        <location filename="../../app/ui/setup_dialog.py" line="123" />
        <source>Org:</source>
        <translation>Organisation:</translation>
    </message>
    <message>
        <location filename="../../app/ui/setup_dialog.py" line="124" />
        <source>Domain:</source>
        <translation>Domän:</translation>
    </message>
    <message>
        <location filename="../../app/ui/setup_dialog.py" line="125" />
        <source>Salesforce org</source>
        <translation>Salesforce-organisation</translation>
    </message>
    <message>
        <location filename="../../app/ui/setup_dialog.py" line="126" />
        <source>Salesforce custom domain</source>
        <translation>Egen Salesforce-domän</translation>
    </message>
    <message>
        <location filename="../../app/ui/setup_dialog.py" line="143" />
        <source>Sign in and start</source>
        <translation>Logga in och starta</translation>
    </message>
    <message>
        <location filename="../../app/ui/setup_dialog.py" line="144" />
        <source>Cancel</source>
        <translation>Avbryt</translation>
    </message>
    <message>
        <location filename="../../app/ui/setup_dialog.py" line="187" />
        <source>Exchange needs your mailbox password.</source>
        <translation>Exchange behöver lösenordet till din brevlåda.</translation>
    </message>
    <message>
        <location filename="../../app/ui/setup_dialog.py" line="191" />
        <source>Sign in to Salesforce, then to your mailbox, in the browser windows that open…</source>
        <translation>Logga in i Salesforce och sedan i din brevlåda i webbläsarfönstren som öppnas…</translation>
    </message>
    <message>
        <location filename="../../app/ui/setup_dialog.py" line="214" />
        <source>Setup did not finish: {error}</source>
        <translation>Konfigurationen blev inte klar: {error}</translation>
    </message>
    <message>
        <location filename="../../app/ui/setup_dialog.py" line="218" />
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
        <location filename="../../app/ui/dialogs.py" line="311" />
        <source>Chat with support</source>
        <translation>Chatta med supporten</translation>
    </message>
    <message>
        <location filename="../../app/ui/dialogs.py" line="348" />
        <source>Keep addresses and subjects (helps support find the item)</source>
        <translation>Behåll adresser och ämnen (hjälper supporten att hitta objektet)</translation>
    </message>
    <message>
        <location filename="../../app/ui/dialogs.py" line="323" />
        <source>Send goes to {address} from your mailbox ({sender}), with the report attached.</source>
        <translation>Skicka går till {address} från din brevlåda ({sender}), med rapporten bifogad.</translation>
    </message>
    <message>
        <location filename="../../app/ui/dialogs.py" line="324" />
        <source>your mailbox</source>
        <translation>din brevlåda</translation>
    </message>
    <message>
        <location filename="../../app/ui/dialogs.py" line="331" />
        <source>Support page</source>
        <translation>Supportsida</translation>
    </message>
    <message>
        <location filename="../../app/ui/dialogs.py" line="332" />
        <source>Support page:</source>
        <translation>Supportsida:</translation>
    </message>
    <message>
        <location filename="../../app/ui/dialogs.py" line="334" />
        <location filename="../../app/ui/dialogs.py" line="337" />
        <source>What happened?</source>
        <translation>Vad hände?</translation>
    </message>
    <message>
        <location filename="../../app/ui/dialogs.py" line="336" />
        <source>What were you doing, and what went wrong?</source>
        <translation>Vad gjorde du, och vad gick fel?</translation>
    </message>
    <message>
        <location filename="../../app/ui/dialogs.py" line="343" />
        <source>Tokens and passwords are always removed; addresses, subjects and message text are removed too unless you keep them below.</source>
        <translation>Token och lösenord tas alltid bort; adresser, ämnesrader och meddelandetext tas också bort om du inte behåller dem nedan.</translation>
    </message>
    <message>
        <location filename="../../app/ui/dialogs.py" line="353" />
        <source>Files in the report</source>
        <translation>Filer i rapporten</translation>
    </message>
    <message>
        <location filename="../../app/ui/dialogs.py" line="359" />
        <source>Screenshot</source>
        <translation>Skärmbild</translation>
    </message>
    <message>
        <location filename="../../app/ui/dialogs.py" line="370" />
        <source>Save to file</source>
        <translation>Spara till fil</translation>
    </message>
    <message>
        <location filename="../../app/ui/dialogs.py" line="371" />
        <source>Send</source>
        <translation>Skicka</translation>
    </message>
    <message>
        <location filename="../../app/ui/dialogs.py" line="386" />
        <source>{name} ({size} bytes)</source>
        <translation>{name} ({size} byte)</translation>
    </message>
    <message>
        <location filename="../../app/ui/dialogs.py" line="412" />
        <source>Could not save the report: {error}. Nothing was sent.</source>
        <translation>Kunde inte spara rapporten: {error}. Inget skickades.</translation>
    </message>
    <message>
        <location filename="../../app/ui/dialogs.py" line="422" />
        <source>Saved {path}.</source>
        <translation>Sparade {path}.</translation>
    </message>
    <message>
        <location filename="../../app/ui/dialogs.py" line="431" />
        <source>Sending the report to {address}…</source>
        <translation>Skickar rapporten till {address}…</translation>
    </message>
    <message>
        <location filename="../../app/ui/dialogs.py" line="450" />
        <source>Sent to {address}. A copy is in your Sent Items and saved as {path}.</source>
        <translation>Skickad till {address}. En kopia finns i Skickat och är sparad som {path}.</translation>
    </message>
    <message>
        <location filename="../../app/ui/dialogs.py" line="444" />
        <source>Not sent: {problem}. The report is saved as {path}; try again later.</source>
        <translation>Inte skickad: {problem}. Rapporten är sparad som {path}; försök igen senare.</translation>
    </message>
    <message>
        <location filename="../../app/ui/dialogs.py" line="454" />
        <source>Done</source>
        <translation>Klar</translation>
    </message>
</context>
<context>
    <name>SyncProgressBox</name>
    <message>
        <location filename="../../app/ui/sync_progress.py" line="47" />
        <source>Sync in progress</source>
        <translation>Synkning pågår</translation>
    </message>
    <message>
        <location filename="../../app/ui/sync_progress.py" line="51" />
        <location filename="../../app/ui/sync_progress.py" line="91" />
        <source>Starting…</source>
        <translation>Startar…</translation>
    </message>
    <message>
        <location filename="../../app/ui/sync_progress.py" line="55" />
        <location filename="../../app/ui/sync_progress.py" line="78" />
        <source>Stop</source>
        <translation>Stoppa</translation>
    </message>
    <message>
        <location filename="../../app/ui/sync_progress.py" line="56" />
        <source>Stop this sync at its next safe point; what it wrote stays written</source>
        <translation>Stoppa synkningen vid nästa säkra punkt; det som redan skrivits ligger kvar</translation>
    </message>
    <message>
        <location filename="../../app/ui/sync_progress.py" line="63" />
        <source>Sync progress</source>
        <translation>Synkningens förlopp</translation>
    </message>
    <message>
        <location filename="../../app/ui/sync_progress.py" line="86" />
        <source>About {time} left</source>
        <translation>Cirka {time} kvar</translation>
    </message>
    <message>
        <location filename="../../app/ui/sync_progress.py" line="94" />
        <source>Reading the mailbox… {done} items read</source>
        <translation>Läser brevlådan… {done} objekt lästa</translation>
    </message>
    <message>
        <location filename="../../app/ui/sync_progress.py" line="96" />
        <source>Matching with Salesforce… {done} of {total} items checked</source>
        <translation>Matchar mot Salesforce… {done} av {total} objekt kontrollerade</translation>
    </message>
    <message>
        <location filename="../../app/ui/sync_progress.py" line="98" />
        <source>Marking items in the mailbox… {done} of {total}</source>
        <translation>Märker objekt i brevlådan… {done} av {total}</translation>
    </message>
    <message>
        <location filename="../../app/ui/sync_progress.py" line="99" />
        <source>Writing to Salesforce… {done} of {total} items</source>
        <translation>Skriver till Salesforce… {done} av {total} objekt</translation>
    </message>
    <message>
        <location filename="../../app/ui/sync_progress.py" line="110" />
        <source>{object}: {synced} synced, {failed} failed</source>
        <translation>{object}: {synced} synkade, {failed} misslyckade</translation>
    </message>
    <message>
        <location filename="../../app/ui/sync_progress.py" line="116" />
        <source>{object}: {synced} synced</source>
        <translation>{object}: {synced} synkade</translation>
    </message>
    <message>
        <location filename="../../app/ui/sync_progress.py" line="131" />
        <source>Stopping…</source>
        <translation>Stoppar…</translation>
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
        <location filename="../../app/ui/tray.py" line="102" />
        <source>Sync now</source>
        <translation>Synka nu</translation>
    </message>
    <message>
        <location filename="../../app/ui/tray.py" line="103" />
        <location filename="../../app/ui/tray.py" line="139" />
        <source>Pause</source>
        <translation>Pausa</translation>
    </message>
    <message>
        <location filename="../../app/ui/tray.py" line="104" />
        <source>Open Sync Settings</source>
        <translation>Öppna synkinställningar</translation>
    </message>
    <message>
        <location filename="../../app/ui/tray.py" line="105" />
        <source>About Syncbar…</source>
        <translation>Om Syncbar…</translation>
    </message>
    <message>
        <location filename="../../app/ui/tray.py" line="106" />
        <source>Quit Syncbar</source>
        <translation>Avsluta Syncbar</translation>
    </message>
    <message>
        <location filename="../../app/ui/tray.py" line="139" />
        <source>Resume</source>
        <translation>Återuppta</translation>
    </message>
</context>
<context>
    <name>Words</name>
    <message>
        <location filename="../../app/ui/words.py" line="19" />
        <source>Email</source>
        <translation>E-post</translation>
    </message>
    <message>
        <location filename="../../app/ui/words.py" line="20" />
        <source>Event</source>
        <translation>Möte</translation>
    </message>
    <message>
        <location filename="../../app/ui/words.py" line="21" />
        <source>Contact</source>
        <translation>Kontakt</translation>
    </message>
    <message>
        <location filename="../../app/ui/words.py" line="22" />
        <source>Task</source>
        <translation>Uppgift</translation>
    </message>
    <message>
        <location filename="../../app/ui/words.py" line="24" />
        <source>Account</source>
        <translation>Konto</translation>
    </message>
    <message>
        <location filename="../../app/ui/words.py" line="26" />
        <source>Mailbox</source>
        <translation>Brevlåda</translation>
    </message>
    <message>
        <location filename="../../app/ui/words.py" line="27" />
        <source>Salesforce</source>
        <translation>Salesforce</translation>
    </message>
    <message>
        <location filename="../../app/ui/words.py" line="28" />
        <source>Syncbar</source>
        <translation>Syncbar</translation>
    </message>
    <message>
        <location filename="../../app/ui/words.py" line="31" />
        <source>Open</source>
        <translation>Öppna</translation>
    </message>
    <message>
        <location filename="../../app/ui/words.py" line="32" />
        <source>Resolved</source>
        <translation>Lösta</translation>
    </message>
    <message>
        <location filename="../../app/ui/words.py" line="33" />
        <source>Ignored</source>
        <translation>Ignorerade</translation>
    </message>
    <message>
        <location filename="../../app/ui/words.py" line="36" />
        <source>running</source>
        <translation>pågår</translation>
    </message>
    <message>
        <location filename="../../app/ui/words.py" line="37" />
        <source>everything synced</source>
        <translation>allt synkades</translation>
    </message>
    <message>
        <location filename="../../app/ui/words.py" line="38" />
        <source>some items could not sync</source>
        <translation>vissa objekt kunde inte synkas</translation>
    </message>
    <message>
        <location filename="../../app/ui/words.py" line="39" />
        <source>stopped by an error</source>
        <translation>stoppades av ett fel</translation>
    </message>
    <message>
        <location filename="../../app/ui/words.py" line="40" />
        <source>stopped</source>
        <translation>stoppades</translation>
    </message>
    <message>
        <location filename="../../app/ui/words.py" line="41" />
        <source>interrupted</source>
        <translation>avbröts</translation>
    </message>
    <message>
        <location filename="../../app/ui/words.py" line="43" />
        <source>Mailbox → Salesforce</source>
        <translation>Brevlåda → Salesforce</translation>
    </message>
</context>
</TS>
/**
 * {@code qmig dump}: device state decoded with the file's VMDESCRIPTION, as qmig's own JSON
 * document or as the exact output of QEMU's scripts/analyze-migration.py.
 *
 * <pre>
 * MigrationInput -&gt; DumpCollector (one pass; device payloads kept, RAM counted) -&gt; MigrationDump
 *     -&gt; QmigDumpRenderer          typed values, offsets, sizes
 *     -&gt; AnalyzeMigrationRenderer  analyze-migration.py -d state / -d desc text (via PythonJson)
 * The codec's VmstateDecoder walks one payload with its description (io.github.qmig.codec.vmdesc).
 * </pre>
 */
package io.github.qmig.inspect.dump;

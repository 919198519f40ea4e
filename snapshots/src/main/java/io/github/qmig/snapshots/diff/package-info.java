/** {@code qmig diff}: two saved states compared page by page, section by section, field by field. */
package io.github.qmig.snapshots.diff;

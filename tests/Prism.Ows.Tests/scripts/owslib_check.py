"""Reads the server's capabilities with OWSLib and fetches one tile and one map; prints a JSON summary."""
import json, sys
from owslib.wmts import WebMapTileService
from owslib.wms import WebMapService

base = sys.argv[1]
out = {}
wmts = WebMapTileService(base + '/wmts/1.0.0/WMTSCapabilities.xml')
out['wmts_layers'] = sorted(wmts.contents)
out['wmts_tilematrixsets'] = sorted(wmts.tilematrixsets)
meris = wmts.contents['MERIS']
out['wmts_meris_styles'] = sorted(meris.styles)
# OWSLib 0.27 does not model WMTS dimensions: read them from the capabilities it parsed
NS = {'wmts': 'http://www.opengis.net/wmts/1.0', 'ows': 'http://www.opengis.net/ows/1.1'}
for el in wmts._capabilities.findall('wmts:Contents/wmts:Layer', NS):
    if el.find('ows:Identifier', NS).text == 'MERIS':
        dim = el.find('wmts:Dimension', NS)
        out['wmts_meris_time'] = [v.text for v in dim.findall('wmts:Value', NS)]
        out['wmts_meris_time_default'] = dim.find('wmts:Default', NS).text
out['wmts_meris_rest'] = [r['template'] for r in meris.resourceURLs if r['format'] == 'image/png']
out['wmts_meris_bbox'] = list(meris.boundingBoxWGS84)
tile = wmts.gettile(layer='MERIS', tilematrixset='WGS84', tilematrix='2', row=1, column=4, format='image/png', style='TRUE_COLOR',
                    time=out['wmts_meris_time'][0])
out['wmts_tile_bytes'] = len(tile.read())
wms = WebMapService(base + '/ows', version='1.3.0')
out['wms_layers'] = sorted(wms.contents)
layer = wms['MERIS']
out['wms_meris_time'] = layer.timepositions
out['wms_meris_time_default'] = layer.defaulttimeposition
out['wms_meris_bbox'] = list(layer.boundingBoxWGS84)
out['wms_meris_crs'] = sorted(layer.crsOptions)
out['wms_meris_styles'] = sorted(layer.styles)
img = wms.getmap(layers=['MERIS'], styles=[''], srs='EPSG:3857', bbox=(0, 0, 1000000, 1000000), size=(64, 64), format='image/png')
out['wms_map_bytes'] = len(img.read())
print(json.dumps(out))
